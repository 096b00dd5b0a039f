import { recordAudit } from "../../audit/record-audit.ts";
import { getPrisma } from "../../db.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { ChangedBy } from "../../sources/changed-by.ts";
import { AlertInputError } from "../alert-errors.ts";
import { findRuleKind } from "./rule-kinds.ts";

/** Adds a rule (for one source, or with no source for all), its thresholds checked by its kind; one rule per kind and source. */
export async function createRule(options: ChangedBy & { kind: string; sourceSlug?: string | null; params?: Record<string, unknown> }) {
  const kind = findRuleKind(options.kind);
  if (!kind) throw new AlertInputError(`Unknown rule kind "${options.kind}".`);
  const params = kind.paramsSchema.parse(options.params ?? {}) as Prisma.InputJsonValue;
  return getPrisma().$transaction(async (tx) => {
    const source = options.sourceSlug ? await tx.source.findUnique({ where: { slug: options.sourceSlug }, select: { id: true, slug: true } }) : null;
    if (options.sourceSlug && !source) throw new AlertInputError(`No source "${options.sourceSlug}".`);
    const existing = await tx.alertRule.findFirst({ where: { kind: kind.kind, sourceId: source?.id ?? null }, select: { id: true } });
    if (existing)
      throw new AlertInputError(`There is already a ${kind.label.toLowerCase()} rule for ${source ? source.slug : "all sources"}: remove it first.`);
    const rule = await tx.alertRule.create({ data: { kind: kind.kind, sourceId: source?.id ?? null, params }, select: { id: true, kind: true, params: true } });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "alert_rule.create",
      target: { type: "alert_rule", id: rule.id, name: `${kind.kind} for ${source?.slug ?? "all sources"}` },
      detail: { kind: kind.kind, source: source?.slug ?? null, params },
    });
    return rule;
  });
}
