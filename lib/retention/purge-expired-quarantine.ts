import type pg from "pg";
import { withTransaction } from "../storage/transaction.ts";

// Removes the raw bodies of failed and rejected deliveries received before `cutoff`, in
// batches, each batch one transaction: the quarantined_bodies row, its blob and chunks. The
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

export async function purgeExpiredQuarantine(pool: pg.Pool, options: PurgeOptions): Promise<QuarantinePurgeResult> {
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
      if (rows.length === 0) return { bodies: 0, bytes: 0 };
      // After the rows that referenced them are gone (the foreign key restricts); chunks cascade.
      const freed = await client.query<{ bytes: string }>(
        `WITH gone AS (DELETE FROM blobs WHERE id = ANY($1::uuid[]) RETURNING byte_size) SELECT coalesce(sum(byte_size), 0)::text AS bytes FROM gone`,
        [rows.map((row) => row.blob_id)],
      );
      return { bodies: rows.length, bytes: Number(freed.rows[0].bytes) };
    });
    total.bodies += batch.bodies;
    total.bytes += batch.bytes;
    if (batch.bodies < batchSize) return total;
  }
}
