import { getPool } from "../db.ts";
import { listDestinations, type DestinationSummary } from "./list-destinations.ts";

// The Forwarding page: per destination its backlog and the oldest forward still waiting (from
// listDestinations), the last 24 hours' attempts (success rate, latency), and the most recent
// forwards that failed.

export interface DestinationHealth extends DestinationSummary {
  attempts24h: number;
  delivered24h: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface FailedForward {
  deliveryId: string;
  destination: string;
  attempts: number;
  updatedAt: Date;
  lastError: string | null;
}

export async function getForwardingOverview(): Promise<{ destinations: DestinationHealth[]; failed: FailedForward[] }> {
  const pool = getPool();
  const [destinations, attempts, failed] = await Promise.all([
    listDestinations(),
    // Per destination, so that each reads its own range of the (destination_id, at) index.
    pool.query<{ destination_id: string; attempts: number; delivered: number; p50: number | null; p95: number | null }>(
      `SELECT d.id AS destination_id, a.attempts, a.delivered, a.p50, a.p95
         FROM destinations d
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS attempts, count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
             FROM forwarding_attempts fa WHERE fa.destination_id = d.id AND fa.at > now() - interval '24 hours') a`,
    ),
    pool.query(
      `SELECT f.delivery_id, d.name, f.attempts, f.updated_at,
              (SELECT coalesce(a.error, 'HTTP ' || a.http_status) FROM forwarding_attempts a WHERE a.delivery_id = f.delivery_id AND a.destination_id = f.destination_id ORDER BY a.at DESC LIMIT 1) AS last_error
         FROM forwards f JOIN destinations d ON d.id = f.destination_id
        WHERE f.state = 'failed'
        ORDER BY f.updated_at DESC LIMIT 50`,
    ),
  ]);
  const byDestination = new Map(attempts.rows.map((row) => [row.destination_id, row]));
  return {
    destinations: destinations.map((destination) => {
      const day = byDestination.get(destination.id);
      return {
        ...destination,
        attempts24h: day?.attempts ?? 0,
        delivered24h: day?.delivered ?? 0,
        latencyP50Ms: day?.p50 == null ? null : Number(day.p50),
        latencyP95Ms: day?.p95 == null ? null : Number(day.p95),
      };
    }),
    failed: failed.rows.map((row) => ({
      deliveryId: row.delivery_id,
      destination: row.name,
      attempts: row.attempts,
      updatedAt: row.updated_at,
      lastError: row.last_error,
    })),
  };
}
