import { deleteUnreferencedBytes, type StorageContext } from "../storage/blob-rows.ts";
import { withTransaction } from "../storage/transaction.ts";

// Removes the raw bodies of failed and rejected deliveries received before `cutoff`, in
// batches, each batch one transaction: the quarantined_bodies row and its blob row, and after
// the commit the bytes no row names any more. The
// delivery stays in the log with its status, reason, size and SHA-256, and `purged_at` says
// the body is gone (so it can no longer be inspected or re-verified). Rows locked by a
// re-verification in progress are skipped and picked up by the next run.

export interface PurgeOptions {
  cutoff: Date;
  now: Date;
  batchSize?: number;
}

export interface QuarantinePurgeResult {
  bodies: number;
  bytes: number;
}

export async function purgeExpiredQuarantine({ pool, blobs }: StorageContext, options: PurgeOptions): Promise<QuarantinePurgeResult> {
  const batchSize = options.batchSize ?? 200;
  const total: QuarantinePurgeResult = { bodies: 0, bytes: 0 };
  for (;;) {
    const batch = await withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ blob_id: string }>(
        `WITH doomed AS (
           SELECT q.delivery_id FROM quarantined_bodies q JOIN deliveries d ON d.id = q.delivery_id
            WHERE d.received_at < $1 AND d.status <> 'verified'
            ORDER BY d.received_at LIMIT $2
              FOR UPDATE OF q, d SKIP LOCKED
         ), unlinked AS (
           DELETE FROM quarantined_bodies q USING doomed WHERE q.delivery_id = doomed.delivery_id RETURNING q.delivery_id, q.blob_id
         ), marked AS (
           UPDATE deliveries d SET purged_at = $3 FROM unlinked WHERE d.id = unlinked.delivery_id RETURNING d.id
         )
         SELECT unlinked.blob_id::text AS blob_id FROM unlinked JOIN marked ON marked.id = unlinked.delivery_id`,
        [options.cutoff, batchSize, options.now],
      );
      if (rows.length === 0) return { bodies: 0, bytes: 0, freed: [] };
      // After the rows that referenced them are gone (the foreign key restricts).
      const freed = await client.query<{ sha256: string; byte_size: string }>(
        `DELETE FROM blobs WHERE id = ANY($1::uuid[]) RETURNING sha256, byte_size::text`,
        [rows.map((row) => row.blob_id)],
      );
      return { bodies: rows.length, bytes: freed.rows.reduce((sum, row) => sum + Number(row.byte_size), 0), freed: freed.rows.map((row) => row.sha256) };
    });
    await deleteUnreferencedBytes(pool, blobs.store, batch.freed);
    total.bodies += batch.bodies;
    total.bytes += batch.bytes;
    if (batch.bodies < batchSize) return total;
  }
}
