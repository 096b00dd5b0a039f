import { z } from "zod";
import { findSilenceLongerThan } from "../../overview/find-silence.ts";
import { formatSeconds, type RuleKind } from "./rule-kind.ts";

// Nothing, verified or not, has arrived for longer than the threshold. The overview's own
// per-source threshold (sources.silence_alert_minutes) is a rule of this kind too
// (../load-rule-targets.ts), so the warning on the overview and the alert agree.

const paramsSchema = z.object({
  thresholdSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(3600),
});

export const silenceRule: RuleKind<z.infer<typeof paramsSchema>> = {
  kind: "silence",
  label: "Silence",
  conditionKinds: ["silence"],
  paramsSchema,
  describe: (params) => `nothing received for more than ${formatSeconds(params.thresholdSeconds)}`,
  async evaluate(targets, now) {
    return targets.flatMap(({ source, params }) => {
      const silence = findSilenceLongerThan(source, params.thresholdSeconds * 1000, now);
      if (!silence) return [];
      return [
        {
          key: `silence:${source.id}`,
          kind: "silence",
          sourceId: source.id,
          title: `${source.name} (${source.slug}) is silent`,
          detail: `Nothing has arrived since ${silence.since.toISOString()} (threshold ${formatSeconds(params.thresholdSeconds)}).`,
          linkPath: "/overview",
        },
      ];
    });
  },
};
