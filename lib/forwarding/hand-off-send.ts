import { getConfig } from "../config.ts";
import { getPool } from "../database/pool.ts";
import { buildFromBytes, type StoredDelivery } from "./build-forward-request.ts";
import { classifyAttempt } from "./classify-response.ts";
import { openDestinationSecret } from "./destination-secret.ts";
import { DestinationSlots } from "./destination-slots.ts";
import type { HandedOffForward } from "./enqueue-forwards.ts";
import { handOffShare } from "./hand-off-policy.ts";
import { recordAttempt } from "./record-attempt.ts";
import { HandedOffRecorder } from "./record-handed-off.ts";
import { type AttemptResult, sendForward } from "./send-forward.ts";

// One handed-off attempt (./hand-off.ts says what a hand-off is), run in the receiver's hand-off
// thread (./hand-off-thread.ts), which has its own connection pool and kept-alive sockets: wait
// for the destination's slot (the receiver's share of its limit), sign and send the bytes the
// receiver passed, then record the attempt: delivered ones together (./record-handed-off.ts),
// others as a worker records them (./record-attempt.ts), which schedules the retry.

export interface HandOffTask {
  forward: HandedOffForward;
  delivery: Omit<StoredDelivery, "kind" | "blobSha256" | "blobSize">;
  /** The raw body (Eden AI) or the image (MaskIt). */
  bytes: Uint8Array;
}

/** Up to this long a handed-off forward waits for its destination's slot, as a worker's job does. */
const SLOT_WAIT_MS = 1000;

let state: { slots: DestinationSlots; recorder: HandedOffRecorder } | undefined;

/** Sends and records; false when the destination has no slot for it soon (the caller hands it back to the queue). */
export async function sendHandedOff({ forward, delivery, bytes }: HandOffTask): Promise<boolean> {
  const config = getConfig();
  const pool = getPool();
  state ??= { slots: new DestinationSlots(handOffShare(config.FORWARD_DESTINATION_CONCURRENCY), SLOT_WAIT_MS), recorder: new HandedOffRecorder(pool) };
  const release = await state.slots.acquire(forward.destinationId);
  if (!release) return false;
  let result: AttemptResult;
  try {
    const secret = await secretOf(forward);
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    result = await sendForward(buildFromBytes({ ...delivery, kind: forward.kind }, body, forward.url, secret), {
      timeoutMs: config.FORWARD_TIMEOUT_MS,
      allowPrivate: config.ALLOW_PRIVATE_DESTINATIONS,
    });
  } finally {
    release();
  }
  const job = { deliveryId: forward.deliveryId, destinationId: forward.destinationId };
  if (!result.isRefused && classifyAttempt(result.httpStatus) === "delivered") state.recorder.add({ ...job, jobId: forward.jobId, result });
  else await recordAttempt(pool, job, result, { schedule: config.FORWARD_RETRY_SCHEDULE, autoPauseAfter: config.FORWARD_AUTO_PAUSE_FAILURES });
  return true;
}

// Decrypted once per destination and secret rather than once per forward (the ciphertext is
// compared, so a destination whose secret changed is decrypted again).
const secrets = new Map<string, { ciphertext: Buffer; secret: string }>();

async function secretOf(forward: HandedOffForward): Promise<string> {
  const ciphertext = Buffer.from(forward.secretCiphertext);
  const known = secrets.get(forward.destinationId);
  if (known?.ciphertext.equals(ciphertext)) return known.secret;
  const secret = await openDestinationSecret(forward.destinationId, forward.secretCiphertext);
  secrets.set(forward.destinationId, { ciphertext, secret });
  return secret;
}
