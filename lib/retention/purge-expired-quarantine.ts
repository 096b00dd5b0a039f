import { deleteUnreferencedBytes, type StorageContext } from "../storage/blob-rows.ts";
import { withTransaction } from "../storage/transaction.ts";
import { DEFAULT_PACING, paceBatches, type Pacing } from "./pace-batches.ts";
import { unlinkQuarantinedBodies } from "./unlink-quarantined.ts";

// Removes the raw bodies of failed and rejected deliveries received before `cutoff`, oldest
// first, in batches of 100, each one short transaction (lib/retention/unlink-quarantined.ts)
// paced for the receivers (pace-batches.ts), and after each commit the bytes no row names any
// more. `purged_at` says the body is gone (so it can no longer be inspected or re-verified).
// Rows locked by a re-verification in progress are skipped and picked up by the next run.

export interface PurgeOptions {
  cutoff: Date;
  now: Date;
  batchSize?: number;
  /** How batches leave room for the receivers (pace-batches.ts). */
  pacing?: Pacing;
}

export interface QuarantinePurgeResult {
  bodies: number;
  bytes: number;
}

export async function purgeExpiredQuarantine({ pool, blobs }: StorageContext, options: PurgeOptions): Promise<QuarantinePurgeResult> {
  const batchSize = options.batchSize ?? 100;
  const total: QuarantinePurgeResult = { bodies: 0, bytes: 0 };
  // Each batch starts where the last one ended (in arrival order). From the oldest every time,
  // batch n walked past the n-1 batches of deliveries already purged, whose bodies are gone: at
  // 5,000,000 deliveries that scan was the purge's largest cost (90 s of CPU for 35,000 bodies).
  let after = new Date(0);
  await paceBatches(options.pacing ?? DEFAULT_PACING, async () => {
    const batch = await withTransaction(pool, (client) =>
      unlinkQuarantinedBodies(
        client,
        {
          text: `SELECT q.delivery_id FROM quarantined_bodies q JOIN deliveries d ON d.id = q.delivery_id
                  WHERE d.received_at < $2 AND d.received_at >= $4 AND d.status <> 'verified'
                  ORDER BY d.received_at LIMIT $3
                    FOR UPDATE OF q, d SKIP LOCKED`,
          values: [options.cutoff, batchSize, after],
        },
        options.now,
      ),
    );
    await deleteUnreferencedBytes(pool, blobs.store, batch.freed);
    if (batch.lastReceivedAt) after = batch.lastReceivedAt;
    total.bodies += batch.bodies;
    total.bytes += batch.bytes;
    return batch.bodies < batchSize;
  });
  return total;
}
