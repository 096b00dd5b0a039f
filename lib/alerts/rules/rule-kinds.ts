import { credentialRule } from "./credential.ts";
import { destinationPausedRule } from "./destination-paused.ts";
import { failureRateRule } from "./failure-rate.ts";
import { forwardingBacklogRule } from "./forwarding-backlog.ts";
import type { RuleKind } from "./rule-kind.ts";
import { silenceRule } from "./silence.ts";

/** Every rule kind the engine evaluates; a new kind is one module added here. */
// biome-ignore lint/suspicious/noExplicitAny: kinds with different parameter types; each kind's params come only from its own schema
export const RULE_KINDS: ReadonlyArray<RuleKind<any>> = [silenceRule, failureRateRule, credentialRule, destinationPausedRule, forwardingBacklogRule];

// biome-ignore lint/suspicious/noExplicitAny: kinds with different parameter types; each kind's params come only from its own schema
export function findRuleKind(kind: string): RuleKind<any> | undefined {
  return RULE_KINDS.find((rule) => rule.kind === kind);
}
