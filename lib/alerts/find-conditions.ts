import { listWatchedSources } from "./rules/list-watched-sources.ts";
import { loadRules, loadRuleTargets } from "./rules/load-rule-targets.ts";
import type { AlertCondition } from "./rules/rule-kind.ts";
import { RULE_KINDS } from "./rules/rule-kinds.ts";

/**
 * Every problem that holds at `now`, by key. A rule kind that fails to evaluate (say, a query
 * timed out) is named in `unknownKinds`: its alerts are neither opened nor resolved this time.
 */
export async function findConditions(now: Date): Promise<{ conditions: Map<string, AlertCondition>; unknownKinds: Set<string> }> {
  const [sources, rules] = await Promise.all([listWatchedSources(), loadRules()]);
  const conditions = new Map<string, AlertCondition>();
  const unknownKinds = new Set<string>();
  for (const kind of RULE_KINDS) {
    try {
      const targets = await loadRuleTargets(kind, sources, rules);
      if (targets.length === 0) continue;
      for (const condition of await kind.evaluate(targets, now)) if (!conditions.has(condition.key)) conditions.set(condition.key, condition);
    } catch (error) {
      console.warn(`alerts: the ${kind.kind} rule could not be evaluated: ${error instanceof Error ? error.message.split("\n")[0] : "unknown error"}`);
      for (const conditionKind of kind.conditionKinds) unknownKinds.add(conditionKind);
    }
  }
  return { conditions, unknownKinds };
}
