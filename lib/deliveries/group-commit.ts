import type pg from "pg";
import type { BlobToPut } from "../storage/blob-store.ts";
import type { StorageContext } from "../storage/blob-rows.ts";
import { isStorageUnavailable } from "../storage/storage-errors.ts";
import { withTransaction } from "../storage/transaction.ts";
import { getConfig } from "../config.ts";
import { handOffForwards } from "../forwarding/hand-off.ts";
import { handOffSeconds } from "../forwarding/hand-off-policy.ts";
import { StaleSourceError, type StampedSource } from "../sources/source-stamp.ts";
import { commitBatch, type PendingDelivery } from "./commit-batch.ts";
import type { CommitResult, DeliveryFacts, VerifiedContent } from "./delivery-types.ts";

// Group commit. A delivery's 200 waits for its commit; while a commit is under way, the
// deliveries that finish verifying meanwhile queue up and then commit together, in one
// transaction (lib/deliveries/commit-batch.ts). Under load this turns ~10 statements and a WAL
// flush per delivery into ~10 per batch; with one sender at a time every batch holds one
// delivery and nothing waits. A batch's bytes go to the blob store first, all together (one
// round of syncs for the batch), and only then does its transaction begin. Each delivery's
// sender still gets its answer only after the transaction that holds it has committed.

const MAX_BATCHES_IN_FLIGHT = 2; // one filling the connection while the other waits on its flush
const MAX_BATCH_DELIVERIES = 32;
const MAX_BATCH_BYTES = 8 * 1024 * 1024; // large uploads commit on their own

interface Waiting extends PendingDelivery {
  bytes: number;
  settle(outcome: { result: CommitResult } | { error: unknown }): void;
}

interface Committer {
  queue: Waiting[];
  inFlight: number;
}

const committers = new WeakMap<pg.Pool, Committer>();

/**
 * Stores a verified delivery with its images, unless `dedupeKey` was seen before for the source.
 * With `source` (verified with a remembered source), only while that source's stamp is still
 * the database's in the commit's transaction; else it rejects with StaleSourceError, and nothing of it is stored.
 */
export function commitVerifiedDelivery(
  storage: StorageContext,
  delivery: DeliveryFacts,
  content: VerifiedContent,
  dedupeKey: string,
  source?: StampedSource,
): Promise<CommitResult> {
  let committer = committers.get(storage.pool);
  if (!committer) committers.set(storage.pool, (committer = { queue: [], inFlight: 0 }));
  const bytes = content.images.reduce((sum, image) => sum + image.spool.size, content.rawBody?.size ?? 0);
  return new Promise((resolve, reject) => {
    committer.queue.push({
      delivery,
      content,
      dedupeKey,
      source,
      bytes,
      settle: (outcome) => ("result" in outcome ? resolve(outcome.result) : reject(outcome.error)),
    });
    startBatches(storage, committer);
  });
}

function startBatches(storage: StorageContext, committer: Committer): void {
  while (committer.inFlight < MAX_BATCHES_IN_FLIGHT && committer.queue.length > 0) {
    const batch = takeBatch(committer.queue);
    committer.inFlight++;
    void commitTogether(storage, batch).finally(() => {
      committer.inFlight--;
      startBatches(storage, committer);
    });
  }
}

function takeBatch(queue: Waiting[]): Waiting[] {
  let bytes = queue[0].bytes;
  let count = 1;
  while (count < queue.length && count < MAX_BATCH_DELIVERIES && bytes + queue[count].bytes <= MAX_BATCH_BYTES) bytes += queue[count++].bytes;
  return queue.splice(0, count);
}

async function commitTogether({ pool, blobs }: StorageContext, batch: Waiting[]): Promise<void> {
  const handOff = handOffSeconds(getConfig());
  try {
    await blobs.store.put(batch.flatMap(blobsOf));
    const results = await withTransaction(pool, (client) => commitBatch(client, blobs, batch, handOff));
    for (const [index, waiting] of batch.entries()) {
      handOffForwardsOf(pool, waiting, results[index]);
      waiting.settle(settled(waiting, results[index]));
    }
  } catch (error) {
    // One delivery's failure must not fail the others: commit each on its own. When the
    // database is down, retrying would only keep every sender waiting longer for its 503.
    if (batch.length === 1 || isStorageUnavailable(error)) {
      for (const waiting of batch) waiting.settle({ error });
      return;
    }
    for (const waiting of batch) {
      try {
        const [result] = await withTransaction(pool, (client) => commitBatch(client, blobs, [waiting], handOff));
        handOffForwardsOf(pool, waiting, result);
        waiting.settle(settled(waiting, result));
      } catch (alone) {
        waiting.settle({ error: alone });
      }
    }
  }
}

/** Committed: its forwards go now, from the bytes it holds, before its answer lets the receiver dispose of them. */
function handOffForwardsOf(pool: pg.Pool, waiting: Waiting, result: CommitResult | null): void {
  if (result && !result.isDuplicate && result.handedOff) handOffForwards(pool, waiting.delivery, waiting.content, result.handedOff);
}

/** A delivery left out of its batch for a changed source (commitBatch's null) is told so. */
function settled(waiting: Waiting, result: CommitResult | null): { result: CommitResult } | { error: unknown } {
  return result ? { result } : { error: new StaleSourceError(waiting.delivery.sourceId) };
}

/** Every blob a delivery may store: its images, and its raw body when it keeps one. */
function blobsOf({ delivery, content }: PendingDelivery): BlobToPut[] {
  const images = content.images.map((image) => ({ sha256: image.sha256, body: image.spool }));
  return content.rawBody ? [...images, { sha256: delivery.bodySha256!, body: content.rawBody }] : images;
}
