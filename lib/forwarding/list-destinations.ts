import { getPool } from "../db.ts";

// Destinations with what is waiting for each: one query for the CLI, the source's page, the
// inspector's resend and (with the last day's attempts added) the Forwarding page.

/** A destination as every page shows it: never its secret. */
export interface DestinationSummary {
  id: string;
  source: string;
  name: string;
  url: string;
  enabled: boolean;
  pausedReason: string | null;
  consecutiveFailures: number;
  createdAt: Date;
  waiting: number;
  oldestWaitingAt: Date | null;
  failed: number;
}

export async function listDestinations(filter: { sourceId?: string } = {}): Promise<DestinationSummary[]> {
  // Both counts and the oldest waiting forward come from the (destination_id, state, created_at) index.
  const { rows } = await getPool().query<DestinationSummary>(
    `SELECT d.id, s.slug AS source, d.name, d.url, d.enabled, d.paused_reason AS "pausedReason", d.consecutive_failures AS "consecutiveFailures",
            d.created_at AS "createdAt", w.waiting, w.oldest AS "oldestWaitingAt",
            (SELECT count(*)::int FROM forwards f WHERE f.destination_id = d.id AND f.state = 'failed') AS failed
       FROM destinations d JOIN sources s ON s.id = d.source_id
       CROSS JOIN LATERAL (SELECT count(*)::int AS waiting, min(f.created_at) AS oldest FROM forwards f WHERE f.destination_id = d.id AND f.state = 'waiting') w
      WHERE ($1::uuid IS NULL OR d.source_id = $1)
      ORDER BY s.slug, d.created_at`,
    [filter.sourceId ?? null],
  );
  return rows;
}
