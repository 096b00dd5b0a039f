import type pg from "pg";
import { FORWARDING_CHANNEL } from "../events/delivery-events.ts";
import type { AttemptResult } from "./send-forward.ts";

// The delivered attempts of handed-off forwards (./hand-off.ts), recorded together: while one
// statement runs, the attempts that end meanwhile wait and go in the next, as the receiver's
// group commit does for deliveries. One statement per batch does what recordDelivered
// (./record-attempt.ts) does per attempt (the forward delivered, its attempt log row, the
// destination's run of failures ended, the inspectors' NOTIFY) and also deletes the forward's
// fallback job, which no worker has taken (a job a worker has locked is left to it: it finds the
// forward delivered and ends). Its commit is asynchronous: a crash that loses it leaves the
// forward waiting and its job due, so the delivery is sent again with the same webhook-id.

export interface DeliveredHandOff {
  deliveryId: string;
  destinationId: string;
  jobId: string;
  result: AttemptResult;
}

const MAX_BATCH = 128;

const RECORD_SQL = `
  WITH done AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::smallint[], $4::real[], $5::text[], $6::bigint[])
      AS d (delivery_id, destination_id, http_status, latency_ms, excerpt, job_id)),
  forward AS (
    UPDATE forwards f SET attempts = f.attempts + 1, state = 'delivered', next_attempt_at = NULL, updated_at = now()
      FROM done WHERE f.delivery_id = done.delivery_id AND f.destination_id = done.destination_id
    RETURNING f.delivery_id, f.destination_id, f.attempts, done.http_status, done.latency_ms, done.excerpt),
  logged AS (
    INSERT INTO forwarding_attempts (id, delivery_id, destination_id, attempt, outcome, http_status, latency_ms, response_excerpt)
    SELECT gen_random_uuid(), delivery_id, destination_id, attempts, 'delivered', http_status, latency_ms, excerpt FROM forward),
  reset AS (
    UPDATE destinations SET consecutive_failures = 0
     WHERE id IN (SELECT destination_id FROM forward) AND consecutive_failures <> 0),
  completed AS (
    DELETE FROM graphile_worker._private_jobs j USING done WHERE j.id = done.job_id AND j.locked_at IS NULL)
  SELECT set_config('synchronous_commit', 'off', true),
         (SELECT count(pg_notify($7, delivery_id::text))::int FROM forward) AS recorded`;

export class HandedOffRecorder {
  private pending: DeliveredHandOff[] = [];
  private isRunning = false;

  constructor(private readonly pool: pg.Pool) {}

  add(attempt: DeliveredHandOff): void {
    this.pending.push(attempt);
    if (!this.isRunning) void this.run();
  }

  private async run(): Promise<void> {
    this.isRunning = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      await this.pool
        .query({
          name: "record-handed-off-attempts",
          text: RECORD_SQL,
          values: [
            batch.map((item) => item.deliveryId),
            batch.map((item) => item.destinationId),
            batch.map((item) => item.result.httpStatus),
            batch.map((item) => item.result.latencyMs),
            batch.map((item) => item.result.excerpt?.replace(/\u0000/g, "") ?? null),
            batch.map((item) => item.jobId),
            FORWARDING_CHANNEL,
          ],
        })
        // The jobs stay due: their forwards are sent again by the queue, same webhook-id.
        .catch((error: Error) => console.warn(`forwarding: recording ${batch.length} handed-off attempts failed: ${error.message}`));
    }
    this.isRunning = false;
  }
}
