import type pg from "pg";
import { getConfig, type Config } from "../config.ts";
import type { DeliveryFacts, VerifiedContent } from "../deliveries/delivery-types.ts";
import { buildFromBytes } from "./build-forward-request.ts";
import { classifyAttempt } from "./classify-response.ts";
import { openDestinationSecret } from "./destination-secret.ts";
import { DestinationSlots } from "./destination-slots.ts";
import type { HandedOffForward } from "./enqueue-forwards.ts";
import { recordAttempt } from "./record-attempt.ts";
import { HandedOffRecorder } from "./record-handed-off.ts";
import { staleLockSeconds } from "./release-stale-locks.ts";
import { sendForward } from "./send-forward.ts";

// The receiver's fast path. A verified delivery's forwards are sent by the receiving process
// itself as soon as their batch commits, from the bytes it still holds in memory, instead of
// going through the queue: the queue's job fetch and completion, the forward's load from the
// database and the blob store's read were most of a forward's cost (README: Benchmarks). The
// durable outbox is unchanged: each forward's job is written in the delivery's transaction, held
// back by `handOffSeconds` (the time an attempt may take, as a lock would be), and deleted when
// the attempt is recorded delivered (./record-handed-off.ts). So a receiver that dies (kill -9)
// before recording leaves the job to run on any instance once that time is up, with the same
// webhook-id (at least once). A failed attempt is recorded as a worker records it
// (./record-attempt.ts): its retry replaces the held-back job, on the Standard Webhooks schedule.
//
// Only what is cheap and bounded is handed off: bytes still in memory (the spool keeps up to
// 1 MiB there), at most HAND_OFF_MAX_BYTES of them at once, and a slot of the destination free
// now or expected within a second. Anything else is handed back: its job is made due at once,
// and a worker sends it. The per-destination limit (FORWARD_DESTINATION_CONCURRENCY) is split
// between the receiver's hand-offs and the dashboard's workers, so one instance never has more
// than the limit in flight to a destination.

const HAND_OFF_MAX_BYTES = 64 * 1024 * 1024;
/** Up to this long a handed-off forward waits for its destination's slot, as a worker's job does. */
const SLOT_WAIT_MS = 1000;

/** Seconds a handed-off forward's job is held back, or null when forwards are not handed off (the queue sends them at once). */
export function handOffSeconds(config: Config): number | null {
  return config.FORWARD_HAND_OFF && handOffShare(config.FORWARD_DESTINATION_CONCURRENCY) > 0 ? staleLockSeconds(config) : null;
}

/** The receiver's share of a destination's concurrency limit; the workers get the rest (so at least one). */
export function handOffShare(limit: number): number {
  return Math.floor(limit / 2);
}

/** The workers' share (forward-delivery.ts). */
export function workerShare(config: Config): number {
  const limit = config.FORWARD_DESTINATION_CONCURRENCY;
  return handOffSeconds(config) === null ? limit : limit - handOffShare(limit);
}

let state: { slots: DestinationSlots; recorder: HandedOffRecorder; bytes: number } | undefined;

/** Sends a committed delivery's forwards (from `enqueueHandedOffForwards`), or hands them back to the queue. Never throws. */
export function handOffForwards(pool: pg.Pool, delivery: DeliveryFacts, content: VerifiedContent, forwards: HandedOffForward[]): void {
  if (forwards.length === 0) return;
  const config = getConfig();
  state ??= {
    slots: new DestinationSlots(handOffShare(config.FORWARD_DESTINATION_CONCURRENCY), SLOT_WAIT_MS),
    recorder: new HandedOffRecorder(pool),
    bytes: 0,
  };
  const handedBack: HandedOffForward[] = [];
  for (const forward of forwards) {
    // MaskIt: the image (its only file part); Eden AI: the raw JSON body. Taken now: the receiver disposes of them after its answer.
    const bytes =
      forward.kind === "edenai" ? content.rawBody?.inMemoryBuffer() : content.images.length === 1 ? content.images[0].spool.inMemoryBuffer() : undefined;
    if (!bytes || state.bytes + bytes.length > HAND_OFF_MAX_BYTES) {
      handedBack.push(forward);
      continue;
    }
    state.bytes += bytes.length;
    const held = bytes.length;
    void send(pool, config, delivery, content, forward, bytes)
      .then((isSent) => {
        if (!isSent) return handBack(pool, [forward]);
      })
      .catch((error: Error) => console.warn(`forwarding: a handed-off forward of ${forward.deliveryId} failed (its job will send it): ${error.message}`))
      .finally(() => {
        state!.bytes -= held;
      });
  }
  if (handedBack.length > 0) void handBack(pool, handedBack);
}

/** One attempt, recorded; false when the destination has no slot for it soon. */
async function send(
  pool: pg.Pool,
  config: Config,
  delivery: DeliveryFacts,
  content: VerifiedContent,
  forward: HandedOffForward,
  bytes: Buffer,
): Promise<boolean> {
  const { slots, recorder } = state!;
  const release = await slots.acquire(forward.destinationId);
  if (!release) return false;
  let result: Awaited<ReturnType<typeof sendForward>>;
  try {
    const secret = await secretOf(forward);
    const stored = {
      id: delivery.id,
      kind: forward.kind,
      headers: delivery.headers,
      contentType: delivery.contentType,
      metadata: delivery.metadata,
      fileName: delivery.fileName,
      imageMimeType: content.images[0]?.mimeType ?? null,
    };
    result = await sendForward(buildFromBytes(stored, bytes, forward.url, secret), {
      timeoutMs: config.FORWARD_TIMEOUT_MS,
      allowPrivate: config.ALLOW_PRIVATE_DESTINATIONS,
    });
  } finally {
    release();
  }
  const job = { deliveryId: forward.deliveryId, destinationId: forward.destinationId };
  if (!result.isRefused && classifyAttempt(result.httpStatus) === "delivered") recorder.add({ ...job, jobId: forward.jobId, result });
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

/** The forwards' held-back jobs made due now, and the workers woken for them. */
async function handBack(pool: pg.Pool, forwards: HandedOffForward[]): Promise<void> {
  await pool
    .query(
      `SELECT pg_notify('jobs:insert', json_build_object('count', n)::text)
         FROM (SELECT count(*)::int AS n FROM graphile_worker.reschedule_jobs($1::bigint[], run_at => now())) r WHERE n > 0`,
      [forwards.map((forward) => forward.jobId)],
    )
    .catch((error: Error) =>
      console.warn(`forwarding: handing ${forwards.length} forwards back to the queue failed (their jobs come due later): ${error.message}`),
    );
}
