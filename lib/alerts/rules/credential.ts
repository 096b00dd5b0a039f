import { z } from "zod";
import { getPool } from "../../db.ts";
import { RETIRED_CREDENTIAL_HINT } from "../../ingest/retired-credential-hint.ts";
import { formatSeconds, groupByParams, type AlertCondition, type RuleKind } from "./rule-kind.ts";

// Two signs that a sender's credential needs attention: an active one expires soon (rotate it
// before deliveries start failing), or deliveries arrive signed with a revoked or expired one
// (the sender never got the new secret). The second is read from the refusal's reason, which
// the receiver writes with RETIRED_CREDENTIAL_HINT when a retired credential matched.

const paramsSchema = z.object({
  expiringWithinDays: z.number().min(0).max(365).default(7),
  retiredUseWindowSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(3600),
});

export const credentialRule: RuleKind<z.infer<typeof paramsSchema>> = {
  kind: "credential",
  label: "Credentials",
  conditionKinds: ["credential_expiring", "retired_credential_use"],
  paramsSchema,
  describe: (params) =>
    `a credential expires within ${params.expiringWithinDays} days, or a delivery in the last ${formatSeconds(params.retiredUseWindowSeconds)} was signed with a revoked or expired one`,
  async evaluate(targets, now) {
    const conditions: AlertCondition[] = [];
    for (const { params, sources } of groupByParams(targets)) {
      const byId = new Map(sources.map((source) => [source.id, source]));
      const ids = [...byId.keys()];
      const expiring = await getPool().query<{ id: string; source_id: string; label: string; fingerprint: string; expires_at: Date }>(
        "SELECT id, source_id::text, label, fingerprint, expires_at FROM credentials WHERE source_id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > $2 AND expires_at <= $3",
        [ids, now, new Date(now.getTime() + params.expiringWithinDays * 86_400_000)],
      );
      for (const credential of expiring.rows) {
        const source = byId.get(credential.source_id)!;
        conditions.push({
          key: `credential_expiring:${credential.id}`,
          kind: "credential_expiring",
          sourceId: source.id,
          title: `${source.name} (${source.slug}): credential "${credential.label}" expires ${credential.expires_at.toISOString().slice(0, 16).replace("T", " ")} UTC`,
          detail: `Credential ${credential.fingerprint} stops verifying deliveries then; add its successor and give it to the sender.`,
          linkPath: `/sources/${source.id}`,
        });
      }
      // Failed deliveries in the window, from the (status, received_at) index; the reason marks a retired credential's match.
      const retired = await getPool().query<{ source_id: string; count: number; latest: string }>(
        `SELECT source_id::text, count(*)::int AS count, (array_agg(id ORDER BY received_at DESC))[1]::text AS latest FROM deliveries
          WHERE source_id = ANY($1::uuid[]) AND status = 'failed' AND received_at > $2 AND position($3 in reason) > 0
          GROUP BY source_id`,
        [ids, new Date(now.getTime() - params.retiredUseWindowSeconds * 1000), RETIRED_CREDENTIAL_HINT],
      );
      for (const { source_id, count, latest } of retired.rows) {
        const source = byId.get(source_id)!;
        conditions.push({
          key: `retired_credential_use:${source.id}`,
          kind: "retired_credential_use",
          sourceId: source.id,
          title: `${source.name} (${source.slug}): deliveries signed with a revoked or expired credential`,
          detail: `${count} deliveries in the last ${formatSeconds(params.retiredUseWindowSeconds)} were signed with a credential that no longer verifies: the sender still uses an old secret or key.`,
          linkPath: `/deliveries/${latest}`,
        });
      }
    }
    return conditions;
  },
};
