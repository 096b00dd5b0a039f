import { getPrisma } from "../../db.ts";
import type { RuleKind, RuleTarget, WatchedSource } from "./rule-kind.ts";

// Which sources a rule kind watches, with which thresholds: a source's own rule wins over the
// rule for all sources. For silence, the overview's per-source threshold counts as the source's
// own rule (unless an alert rule names the source), so that setting keeps working as before.

export interface StoredRule {
  id: string;
  kind: string;
  sourceId: string | null;
  params: unknown;
}

export function loadRules(): Promise<StoredRule[]> {
  return getPrisma().alertRule.findMany({ select: { id: true, kind: true, sourceId: true, params: true }, orderBy: { createdAt: "asc" } });
}

export async function loadRuleTargets<P>(kind: RuleKind<P>, sources: WatchedSource[], rules: StoredRule[]): Promise<RuleTarget<P>[]> {
  const ofKind = rules.filter((rule) => rule.kind === kind.kind);
  const forAll = ofKind.find((rule) => rule.sourceId === null);
  const own = new Map(ofKind.filter((rule) => rule.sourceId !== null).map((rule) => [rule.sourceId!, rule]));
  const overviewSilence = kind.kind === "silence" ? await loadOverviewSilence() : new Map<string, number>();
  return sources.flatMap((source) => {
    const rule = own.get(source.id);
    if (rule) return [{ source, params: kind.paramsSchema.parse(rule.params) }];
    const minutes = overviewSilence.get(source.id);
    if (minutes !== undefined) return [{ source, params: kind.paramsSchema.parse({ thresholdSeconds: minutes * 60 }) }];
    return forAll ? [{ source, params: kind.paramsSchema.parse(forAll.params) }] : [];
  });
}

async function loadOverviewSilence(): Promise<Map<string, number>> {
  const sources = await getPrisma().source.findMany({ where: { silenceAlertMinutes: { not: null } }, select: { id: true, silenceAlertMinutes: true } });
  return new Map(sources.map((source) => [source.id, source.silenceAlertMinutes!]));
}
