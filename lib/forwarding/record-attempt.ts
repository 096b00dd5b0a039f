import type pg from "pg";
import { FORWARDING_CHANNEL, notifyForwardingChange } from "../events/delivery-events.ts";
import { withTransaction } from "../storage/transaction.ts";
import { classifyAttempt, nextRetryDelaySeconds } from "./classify-response.ts";
import { FORWARD_TASK, forwardJobKey, type ForwardJob } from "./forward-job.ts";
import type { AttemptResult } from "./send-forward.ts";
import { pauseDestinationOn } from "./set-destination-enabled.ts";

// Records an attempt and decides what follows, in one transaction: the attempt log row, the
// forward's state, the next job when it is retried (added with graphile_worker.add_job in the
// same transaction, so a crash cannot lose the retry), and the destination's run of failures
// (paused after `autoPauseAfter` in a row, or at once on 410 Gone).

export interface AttemptPolicy {
  schedule: number[];
  autoPauseAfter: number;
}

export type AttemptOutcome = "delivered" | "retrying" | "failed" | "paused";

export async function recordAttempt(pool: pg.Pool, job: ForwardJob, result: AttemptResult, policy: AttemptPolicy): Promise<AttemptOutcome> {
  if (!result.isRefused && classifyAttempt(result.httpStatus) === "delivered") return recordDelivered(pool, job, result);
  return withTransaction(pool, async (client) => {
    // No WAL flush of its own: the queue's job completion that follows is a synchronous commit
    // and flushes this one with it; a crash in between sends the attempt again (at least once).
    await client.query("SET LOCAL synchronous_commit = off");
    const { rows } = await client.query<{ attempts: number }>("SELECT attempts FROM forwards WHERE delivery_id = $1 AND destination_id = $2 FOR UPDATE", [
      job.deliveryId,
      job.destinationId,
    ]);
    if (rows.length === 0) return "failed"; // the destination or delivery was removed meanwhile
    const attempt = rows[0].attempts + 1;
    const verdict = result.isRefused ? "fail" : classifyAttempt(result.httpStatus);
    let outcome: AttemptOutcome = verdict === "delivered" ? "delivered" : verdict === "gone" ? "paused" : "failed";
    let nextAt: Date | null = null;
    if (verdict === "retry") {
      const delay = nextRetryDelaySeconds(policy.schedule, attempt, result.retryAfter);
      if (delay !== null) {
        outcome = "retrying";
        nextAt = new Date(Date.now() + delay * 1000);
      }
    }
    const error = result.error ?? (verdict === "fail" && result.httpStatus! >= 300 && result.httpStatus! < 400 ? "redirect not followed" : null);
    await client.query(
      `INSERT INTO forwarding_attempts (id, delivery_id, destination_id, attempt, outcome, http_status, error, latency_ms, response_excerpt, next_retry_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [job.deliveryId, job.destinationId, attempt, outcome, result.httpStatus, error, result.latencyMs, result.excerpt?.replace(/\u0000/g, "") ?? null, nextAt],
    );
    // 410: the forward waits for the destination to be resumed.
    const state = outcome === "delivered" ? "delivered" : outcome === "failed" ? "failed" : "waiting";
    await client.query(
      "UPDATE forwards SET attempts = $3, state = $4, next_attempt_at = $5, updated_at = now() WHERE delivery_id = $1 AND destination_id = $2",
      [job.deliveryId, job.destinationId, attempt, state, nextAt],
    );
    // Open inspectors show the attempt as soon as it commits.
    await notifyForwardingChange(client, job.deliveryId);
    if (nextAt) {
      await client.query("SELECT graphile_worker.add_job($1, $2::json, job_key => $3, run_at => $4)", [
        FORWARD_TASK,
        JSON.stringify(job),
        forwardJobKey(job),
        nextAt,
      ]);
    }
    if (outcome === "delivered") {
      await client.query("UPDATE destinations SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0", [job.destinationId]);
    } else if (outcome === "paused") {
      await pauseDestinationOn(client, job.destinationId, "the destination answered 410 Gone");
    } else {
      const failures = await client.query<{ consecutive_failures: number }>(
        "UPDATE destinations SET consecutive_failures = consecutive_failures + 1 WHERE id = $1 RETURNING consecutive_failures",
        [job.destinationId],
      );
      if ((failures.rows[0]?.consecutive_failures ?? 0) >= policy.autoPauseAfter) {
        await pauseDestinationOn(client, job.destinationId, `${policy.autoPauseAfter} failed attempts in a row`);
      }
    }
    return outcome;
  });
}

// The common case, a delivered attempt, in one statement rather than eight round trips: the
// forward's attempt count and state, the attempt log row, the destination's run of failures
// ended, and the inspectors' notification. Its commit is asynchronous (no WAL flush of its own;
// set_config(..., true) lasts until the commit that follows the statement): losing it in a
// crash is safe under at-least-once. The queue's job completion, which comes next, is a
// synchronous commit and flushes this one with it (the WAL is flushed in order); a crash before
// that leaves the job locked, so another worker sends it again, with the same webhook-id.
const RECORD_DELIVERED_SQL = `
  WITH forward AS (
    UPDATE forwards SET attempts = attempts + 1, state = 'delivered', next_attempt_at = NULL, updated_at = now()
     WHERE delivery_id = $1 AND destination_id = $2
    RETURNING attempts),
  logged AS (
    INSERT INTO forwarding_attempts (id, delivery_id, destination_id, attempt, outcome, http_status, latency_ms, response_excerpt)
    SELECT gen_random_uuid(), $1, $2, attempts, 'delivered', $3, $4, $5 FROM forward),
  reset AS (
    UPDATE destinations SET consecutive_failures = 0
     WHERE id = $2 AND consecutive_failures <> 0 AND EXISTS (SELECT FROM forward))
  SELECT set_config('synchronous_commit', 'off', true), CASE WHEN n > 0 THEN pg_notify($6, $1::text) END, n AS found
    FROM (SELECT count(*)::int AS n FROM forward) f`;

async function recordDelivered(pool: pg.Pool, job: ForwardJob, result: AttemptResult): Promise<AttemptOutcome> {
  const { rows } = await pool.query<{ found: number }>({
    name: "record-delivered-attempt",
    text: RECORD_DELIVERED_SQL,
    values: [job.deliveryId, job.destinationId, result.httpStatus, result.latencyMs, result.excerpt?.replace(/\u0000/g, "") ?? null, FORWARDING_CHANNEL],
  });
  // The destination or delivery was removed meanwhile.
  return rows[0]?.found ? "delivered" : "failed";
}
