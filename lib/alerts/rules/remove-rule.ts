import { recordAudit } from "../../audit/record-audit.ts";
import { getPrisma } from "../../db.ts";
import type { ChangedBy } from "../../sources/changed-by.ts";
import { AlertInputError } from "../alert-errors.ts";

/** Removes a rule; its open alerts resolve on the next evaluation. */
export async function removeRule(options: ChangedBy & { ruleId: string }) {
  return getPrisma().$transaction(async (tx) => {
    const rule = await tx.alertRule.findUnique({
      where: { id: options.ruleId },
      select: { id: true, kind: true, params: true, source: { select: { slug: true } } },
    });
    if (!rule) throw new AlertInputError("That rule no longer exists: reload the page.");
    await tx.alertRule.delete({ where: { id: rule.id } });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "alert_rule.remove",
      target: { type: "alert_rule", id: rule.id, name: `${rule.kind} for ${rule.source?.slug ?? "all sources"}` },
      detail: { kind: rule.kind, params: rule.params ?? null },
    });
  });
}
