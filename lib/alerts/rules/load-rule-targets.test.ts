import { describe, expect, it } from "vitest";
import { failureRateRule } from "./failure-rate.ts";
import { loadRuleTargets, type StoredRule } from "./load-rule-targets.ts";
import type { WatchedSource } from "./rule-kind.ts";

// Which thresholds watch which source: its own rule, else the rule for all sources, else none;
// a rule's missing thresholds take the kind's defaults. (The silence kind also reads the
// overview's thresholds from the database: test/alert-rules.test.ts covers that.)

const source = (slug: string): WatchedSource => ({ id: `id-${slug}`, slug, name: slug, enabled: true, createdAt: new Date(0), lastDeliveryAt: null });
const SOURCES = [source("lobby"), source("yard"), source("gate")];

describe("loadRuleTargets", () => {
  it("gives a source its own rule, the others the rule for all sources", async () => {
    const rules: StoredRule[] = [
      { id: "all", kind: "failure_rate", sourceId: null, params: { percent: 50 } },
      { id: "own", kind: "failure_rate", sourceId: "id-yard", params: { percent: 5, minDeliveries: 2, windowSeconds: 60 } },
      { id: "other kind", kind: "silence", sourceId: "id-gate", params: { thresholdSeconds: 60 } },
    ];
    const targets = await loadRuleTargets(failureRateRule, SOURCES, rules);
    expect(targets.map((target) => [target.source.slug, target.params])).toEqual([
      ["lobby", { percent: 50, minDeliveries: 10, windowSeconds: 900 }],
      ["yard", { percent: 5, minDeliveries: 2, windowSeconds: 60 }],
      ["gate", { percent: 50, minDeliveries: 10, windowSeconds: 900 }],
    ]);
  });

  it("watches nothing without a rule of the kind, and only the named source without a rule for all", async () => {
    expect(await loadRuleTargets(failureRateRule, SOURCES, [])).toEqual([]);
    const targets = await loadRuleTargets(failureRateRule, SOURCES, [{ id: "own", kind: "failure_rate", sourceId: "id-gate", params: {} }]);
    expect(targets.map((target) => target.source.slug)).toEqual(["gate"]);
  });

  it("refuses thresholds out of range", async () => {
    await expect(loadRuleTargets(failureRateRule, SOURCES, [{ id: "bad", kind: "failure_rate", sourceId: null, params: { percent: 150 } }])).rejects.toThrow();
  });
});
