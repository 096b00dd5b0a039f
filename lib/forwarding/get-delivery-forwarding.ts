import { getPool } from "../db.ts";

// A delivery's forwarding, for the inspector and GET /api/deliveries/<id>: per destination its
// state and every attempt (time, status or error, latency, response excerpt, next retry).

export interface ForwardingAttemptView {
  attempt: number;
  at: Date;
  outcome: string;
  httpStatus: number | null;
  error: string | null;
  latencyMs: number | null;
  responseExcerpt: string | null;
  nextRetryAt: Date | null;
}

export interface DeliveryForwarding {
  destination: { id: string; name: string; url: string; enabled: boolean };
  state: "waiting" | "delivered" | "failed";
  nextAttemptAt: Date | null;
  attempts: ForwardingAttemptView[];
}

export async function getDeliveryForwarding(deliveryId: string): Promise<DeliveryForwarding[]> {
  const { rows } = await getPool().query(
    `SELECT d.id, d.name, d.url, d.enabled, f.state, f.next_attempt_at,
            COALESCE((SELECT json_agg(json_build_object(
                'attempt', a.attempt, 'at', a.at, 'outcome', a.outcome, 'httpStatus', a.http_status, 'error', a.error,
                'latencyMs', a.latency_ms, 'responseExcerpt', a.response_excerpt, 'nextRetryAt', a.next_retry_at) ORDER BY a.at, a.attempt)
               FROM forwarding_attempts a WHERE a.delivery_id = f.delivery_id AND a.destination_id = f.destination_id), '[]') AS attempts
       FROM forwards f JOIN destinations d ON d.id = f.destination_id
      WHERE f.delivery_id = $1
      ORDER BY d.created_at`,
    [deliveryId],
  );
  return rows.map((row) => ({
    destination: { id: row.id, name: row.name, url: row.url, enabled: row.enabled },
    state: row.state,
    nextAttemptAt: row.next_attempt_at,
    attempts: (row.attempts as Array<ForwardingAttemptView & { at: string; nextRetryAt: string | null }>).map((attempt) => ({
      ...attempt,
      at: new Date(attempt.at),
      nextRetryAt: attempt.nextRetryAt ? new Date(attempt.nextRetryAt) : null,
    })),
  }));
}
