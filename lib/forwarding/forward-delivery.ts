import type { Task } from "graphile-worker";
import { getConfig } from "../config.ts";
import { getPool } from "../db.ts";
import { getBlobStore } from "../storage/configured-store.ts";
import { buildForwardRequest } from "./build-forward-request.ts";
import { openDestinationSecret } from "./destination-secret.ts";
import { forwardJobKey, FORWARD_TASK, type ForwardJob } from "./forward-job.ts";
import { DestinationSlots } from "./destination-slots.ts";
import { workerShare } from "./hand-off-policy.ts";
import { loadForward } from "./load-forward.ts";
import { recordAttempt } from "./record-attempt.ts";
import { sendForward, type AttemptResult } from "./send-forward.ts";

// The queue's task: one attempt of one delivery to one destination. A job that finds the
// destination paused, or the forward no longer waiting, ends without sending: resuming (or a
// replay) enqueues it again. At most the workers' share of FORWARD_DESTINATION_CONCURRENCY
// attempts run at once to a destination in this instance (the receiver's hand-offs, ./hand-off.ts, have the rest); a job over that limit waits for a slot when one is expected
// soon (./destination-slots.ts), else it is put back a moment later rather than held, so one
// slow destination cannot occupy every worker slot and stall the others.

const BUSY_RETRY_MS = 250;
/** Up to this long a job waits for its destination's slot; the queue's poll would find it again in FORWARD_POLL_INTERVAL_MS. */
const SLOT_WAIT_MS = 1000;
let slots: DestinationSlots | undefined;

export async function forwardDelivery(job: ForwardJob, helpers: Parameters<Task>[1]): Promise<void> {
  const config = getConfig();
  const pool = getPool();
  slots ??= new DestinationSlots(workerShare(config), SLOT_WAIT_MS);
  const release = await slots.acquire(job.destinationId);
  if (!release) {
    await helpers.addJob(FORWARD_TASK, job, { jobKey: forwardJobKey(job), runAt: new Date(Date.now() + BUSY_RETRY_MS) });
    return;
  }
  try {
    // Read after the wait for a slot, so a pause meanwhile is seen.
    const forward = await loadForward(pool, job);
    if (forward?.state !== "waiting" || !forward.destination.enabled) return;
    const result = await attempt(forward);
    await recordAttempt(pool, job, result, { schedule: config.FORWARD_RETRY_SCHEDULE, autoPauseAfter: config.FORWARD_AUTO_PAUSE_FAILURES });
  } finally {
    release();
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
