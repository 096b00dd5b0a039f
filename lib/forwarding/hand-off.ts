import type pg from "pg";
import type { DeliveryFacts, VerifiedContent } from "../deliveries/delivery-types.ts";
import type { HandedOffForward } from "./enqueue-forwards.ts";
import type { HandOffTask } from "./hand-off-send.ts";
import { runHandOff } from "./hand-off-thread.ts";

// The receiver's fast path. A verified delivery's forwards are sent by the receiving process
// itself as soon as their batch commits, from the bytes it still holds in memory, instead of
// going through the queue: the queue's job fetch and completion, the forward's load from the
// database and the blob store's read were most of a forward's cost (README: Benchmarks). The
// durable outbox is unchanged: each forward's job is written in the delivery's transaction, held
// back by `handOffSeconds` (the time a handed-off attempt may take), and deleted when
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
//
// The attempts run in a worker thread of the receiving process (./hand-off-thread.ts), not on
// its event loop: the receiver's loop is what limits ingest (about one core at full load), so
// signing, sending and recording there took from ingest what the machine's other core could do.

const HAND_OFF_MAX_BYTES = 64 * 1024 * 1024;

let heldBytes = 0;

/** Sends a committed delivery's forwards (from `enqueueHandedOffForwards`), or hands them back to the queue. Never throws. */
export function handOffForwards(pool: pg.Pool, delivery: DeliveryFacts, content: VerifiedContent, forwards: HandedOffForward[]): void {
  if (forwards.length === 0) return;
  const handedBack: HandedOffForward[] = [];
  for (const forward of forwards) {
    // MaskIt: the image (its only file part); Eden AI: the raw JSON body. Taken now: the receiver disposes of them after its answer.
    const bytes =
      forward.kind === "edenai" ? content.rawBody?.inMemoryBuffer() : content.images.length === 1 ? content.images[0].spool.inMemoryBuffer() : undefined;
    if (!bytes || heldBytes + bytes.length > HAND_OFF_MAX_BYTES) {
      handedBack.push(forward);
      continue;
    }
    heldBytes += bytes.length;
    const task: HandOffTask = {
      forward,
      delivery: {
        id: delivery.id,
        headers: delivery.headers,
        contentType: delivery.contentType,
        metadata: delivery.metadata,
        fileName: delivery.fileName,
        imageMimeType: content.images[0]?.mimeType ?? null,
      },
      // Exactly its bytes: a view into a larger buffer (a socket read's) would be cloned whole.
      bytes: bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes),
    };
    void runHandOff(task)
      .then((isSent) => {
        if (!isSent) return handBack(pool, [forward]);
      })
      .catch((error: Error) => console.warn(`forwarding: a handed-off forward of ${forward.deliveryId} failed (its job will send it): ${error.message}`))
      .finally(() => {
        heldBytes -= bytes.length;
      });
  }
  if (handedBack.length > 0) void handBack(pool, handedBack);
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
