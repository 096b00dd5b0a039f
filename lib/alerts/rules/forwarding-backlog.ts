import { z } from "zod";
import { getPool } from "../../db.ts";
import { formatSeconds, groupByParams, type AlertCondition, type RuleKind } from "./rule-kind.ts";

// A destination's oldest waiting forward has waited longer than the threshold: the destination
// is down or slow, retries are piling up, or it is paused. "Waiting since" is the forward's
// creation, as on the Forwarding page (a replayed forward keeps its first creation time).
// Served by the (destination_id, state, created_at) index. Resolved once the backlog is younger.

const paramsSchema = z.object({
  thresholdSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(900),
});

export const forwardingBacklogRule: RuleKind<z.infer<typeof paramsSchema>> = {
  kind: "forwarding_backlog",
  label: "Forwarding backlog",
  conditionKinds: ["forwarding_backlog"],
  paramsSchema,
  describe: (params) => `a destination's oldest waiting delivery has waited more than ${formatSeconds(params.thresholdSeconds)}`,
  async evaluate(targets, now) {
    const conditions: AlertCondition[] = [];
    for (const { params, sources } of groupByParams(targets)) {
      const byId = new Map(sources.map((source) => [source.id, source]));
      const { rows } = await getPool().query<{ id: string; source_id: string; name: string; oldest: Date; waiting: number }>(
        `SELECT d.id::text, d.source_id::text, d.name, w.oldest, w.waiting
           FROM destinations d
           CROSS JOIN LATERAL (SELECT min(f.created_at) AS oldest, count(*)::int AS waiting FROM forwards f WHERE f.destination_id = d.id AND f.state = 'waiting') w
          WHERE d.source_id = ANY($1::uuid[]) AND w.oldest < $2`,
        [[...byId.keys()], new Date(now.getTime() - params.thresholdSeconds * 1000)],
      );
      for (const destination of rows) {
        const source = byId.get(destination.source_id)!;
        conditions.push({
          key: `forwarding_backlog:${destination.id}`,
          kind: "forwarding_backlog",
          sourceId: source.id,
          title: `${source.name} (${source.slug}): forwarding to "${destination.name}" is behind`,
          detail: `${destination.waiting === 1 ? "1 delivery waits" : `${destination.waiting} deliveries wait`}; the oldest since ${destination.oldest.toISOString()} (threshold ${formatSeconds(params.thresholdSeconds)}).`,
          linkPath: "/forwarding",
        });
      }
    }
    return conditions;
  },
};
