import { getPool } from "../db.ts";

// The Forwarding page: per destination its backlog, the last 24 hours' attempts (success rate,
// latency), the oldest forward still waiting, and the most recent forwards that failed.

export interface DestinationHealth {
  id: string;
  source: string;
  name: string;
  url: string;
  enabled: boolean;
  pausedReason: string | null;
  waiting: number;
  oldestWaitingAt: Date | null;
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
  const [health, failed] = await Promise.all([
    pool.query(
      `SELECT d.id, s.slug AS source, d.name, d.url, d.enabled, d.paused_reason,
              w.waiting, w.oldest, a.attempts, a.delivered, a.p50, a.p95
         FROM destinations d JOIN sources s ON s.id = d.source_id
         CROSS JOIN LATERAL (SELECT count(*)::int AS waiting, min(created_at) AS oldest FROM forwards f WHERE f.destination_id = d.id AND f.state = 'waiting') w
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS attempts, count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
             FROM forwarding_attempts fa WHERE fa.destination_id = d.id AND fa.at > now() - interval '24 hours') a
        ORDER BY s.slug, d.created_at`,
    ),
    pool.query(
      `SELECT f.delivery_id, d.name, f.attempts, f.updated_at,
              (SELECT coalesce(a.error, 'HTTP ' || a.http_status) FROM forwarding_attempts a WHERE a.delivery_id = f.delivery_id AND a.destination_id = f.destination_id ORDER BY a.at DESC LIMIT 1) AS last_error
         FROM forwards f JOIN destinations d ON d.id = f.destination_id
        WHERE f.state = 'failed'
        ORDER BY f.updated_at DESC LIMIT 50`,
    ),
  ]);
  return {
    destinations: health.rows.map((row) => ({
      id: row.id, source: row.source, name: row.name, url: row.url, enabled: row.enabled, pausedReason: row.paused_reason,
      waiting: row.waiting, oldestWaitingAt: row.oldest, attempts24h: row.attempts, delivered24h: row.delivered,
      latencyP50Ms: row.p50 === null ? null : Number(row.p50), latencyP95Ms: row.p95 === null ? null : Number(row.p95),
    })),
    failed: failed.rows.map((row) => ({ deliveryId: row.delivery_id, destination: row.name, attempts: row.attempts, updatedAt: row.updated_at, lastError: row.last_error })),
  };
}
