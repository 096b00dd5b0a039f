import type { Task } from "graphile-worker";
import { getConfig } from "../config.ts";
import { getPool } from "../db.ts";
import { getBlobStore } from "../storage/configured-store.ts";
import { buildForwardRequest } from "./build-forward-request.ts";
import { openDestinationSecret } from "./destination-secret.ts";
import { forwardJobKey, FORWARD_TASK, type ForwardJob } from "./forward-job.ts";
import { loadForward } from "./load-forward.ts";
import { recordAttempt } from "./record-attempt.ts";
import { sendForward, type AttemptResult } from "./send-forward.ts";

// The queue's task: one attempt of one delivery to one destination. A job that finds the
// destination paused, or the forward no longer waiting, ends without sending: resuming (or a
// replay) enqueues it again. At most FORWARD_DESTINATION_CONCURRENCY attempts run at once to a
// destination in this instance; a job over that limit is put back a moment later rather than
// held, so one slow destination cannot occupy every worker slot and stall the others.

const BUSY_RETRY_MS = 250;
const inFlight = new Map<string, number>();

export async function forwardDelivery(job: ForwardJob, helpers: Parameters<Task>[1]): Promise<void> {
  const config = getConfig();
  const pool = getPool();
  const forward = await loadForward(pool, job);
  if (forward?.state !== "waiting" || !forward.destination.enabled) return;

  const running = inFlight.get(job.destinationId) ?? 0;
  if (running >= config.FORWARD_DESTINATION_CONCURRENCY) {
    await helpers.addJob(FORWARD_TASK, job, { jobKey: forwardJobKey(job), runAt: new Date(Date.now() + BUSY_RETRY_MS) });
    return;
  }
  inFlight.set(job.destinationId, running + 1);
  try {
    const result = await attempt(forward);
    await recordAttempt(pool, job, result, { schedule: config.FORWARD_RETRY_SCHEDULE, autoPauseAfter: config.FORWARD_AUTO_PAUSE_FAILURES });
  } finally {
    const left = (inFlight.get(job.destinationId) ?? 1) - 1;
    if (left === 0) inFlight.delete(job.destinationId);
    else inFlight.set(job.destinationId, left);
  }
}

async function attempt(forward: NonNullable<Awaited<ReturnType<typeof loadForward>>>): Promise<AttemptResult> {
  const config = getConfig();
  const failed = (error: string): AttemptResult => ({ httpStatus: null, error, latencyMs: 0, retryAfter: null, excerpt: null });
  // Never forwarded: a delivery that is not verified (the outbox only holds verified ones; this is the last guard).
  if (forward.deliveryStatus !== "verified") return { ...failed("the delivery is not verified"), httpStatus: 0 };
  const { blobSha256 } = forward.delivery;
  if (!blobSha256) return { ...failed("the delivery's stored bytes were purged"), httpStatus: 0 };
  const secret = await openDestinationSecret(forward.destination.id, forward.destination.secretCiphertext);
  const request = await buildForwardRequest(await getBlobStore(), { ...forward.delivery, blobSha256 }, forward.destination.url, secret);
  return sendForward(request, { timeoutMs: config.FORWARD_TIMEOUT_MS, allowPrivate: config.ALLOW_PRIVATE_DESTINATIONS });
}
