import { getPool } from "../db.ts";

// Destinations with what is waiting for each: for the CLI, the source's page and the Forwarding page.

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
  failed: number;
}

export async function listDestinations(filter: { sourceId?: string } = {}): Promise<DestinationSummary[]> {
  const { rows } = await getPool().query<DestinationSummary>(
    `SELECT d.id, s.slug AS source, d.name, d.url, d.enabled, d.paused_reason AS "pausedReason", d.consecutive_failures AS "consecutiveFailures",
            d.created_at AS "createdAt",
            (SELECT count(*)::int FROM forwards f WHERE f.destination_id = d.id AND f.state = 'waiting') AS waiting,
            (SELECT count(*)::int FROM forwards f WHERE f.destination_id = d.id AND f.state = 'failed') AS failed
       FROM destinations d JOIN sources s ON s.id = d.source_id
      WHERE ($1::uuid IS NULL OR d.source_id = $1)
      ORDER BY s.slug, d.created_at`,
    [filter.sourceId ?? null],
  );
  return rows;
}
