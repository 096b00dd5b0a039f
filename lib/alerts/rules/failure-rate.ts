import { z } from "zod";
import { getPool } from "../../db.ts";
import { formatSeconds, groupByParams, type RuleKind } from "./rule-kind.ts";

// Too many of a source's recent deliveries failed verification or were rejected. A minimum count
// keeps one bad delivery among three from paging anyone. Served by (source_id, received_at).

const paramsSchema = z.object({
  percent: z.number().min(0).max(100).default(20),
  minDeliveries: z.number().int().min(1).default(10),
  windowSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(900),
});

export const failureRateRule: RuleKind<z.infer<typeof paramsSchema>> = {
  kind: "failure_rate",
  label: "Failure rate",
  conditionKinds: ["failure_rate"],
  paramsSchema,
  describe: (params) =>
    `more than ${params.percent}% failed or rejected of at least ${params.minDeliveries} deliveries in ${formatSeconds(params.windowSeconds)}`,
  async evaluate(targets, now) {
    const conditions = [];
    for (const { params, sources } of groupByParams(targets.filter((target) => target.source.enabled))) {
      const { rows } = await getPool().query<{ source_id: string; total: number; unverified: number }>(
        `SELECT source_id::text, count(*)::int AS total, (count(*) FILTER (WHERE status <> 'verified'))::int AS unverified
           FROM deliveries WHERE source_id = ANY($1::uuid[]) AND received_at > $2 AND received_at <= $3 GROUP BY source_id`,
        [sources.map((source) => source.id), new Date(now.getTime() - params.windowSeconds * 1000), now],
      );
      const counts = new Map(rows.map((row) => [row.source_id, row]));
      for (const source of sources) {
        const { total, unverified } = counts.get(source.id) ?? { total: 0, unverified: 0 };
        if (total < params.minDeliveries || unverified * 100 <= params.percent * total) continue;
        conditions.push({
          key: `failure_rate:${source.id}`,
          kind: "failure_rate",
          sourceId: source.id,
          title: `${source.name} (${source.slug}): ${Math.round((unverified * 100) / total)}% of deliveries failing`,
          detail: `${unverified} of ${total} deliveries in the last ${formatSeconds(params.windowSeconds)} failed or were rejected (threshold ${params.percent}%).`,
          linkPath: `/deliveries?source=${encodeURIComponent(source.slug)}`,
        });
      }
    }
    return conditions;
  },
};
