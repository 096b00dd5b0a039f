import { getPrisma } from "../../db.ts";
import { findRuleKind } from "./rule-kinds.ts";

/** Rules as the Alerts page shows them, with their thresholds in words. */
export async function listRules() {
  const rules = await getPrisma().alertRule.findMany({
    orderBy: [{ kind: "asc" }, { createdAt: "asc" }],
    select: { id: true, kind: true, params: true, createdAt: true, source: { select: { slug: true } } },
  });
  return rules.map((rule) => {
    const kind = findRuleKind(rule.kind);
    return {
      id: rule.id,
      kind: rule.kind,
      label: kind?.label ?? rule.kind,
      source: rule.source?.slug ?? null,
      description: kind ? kind.describe(kind.paramsSchema.parse(rule.params)) : "unknown kind",
    };
  });
}
