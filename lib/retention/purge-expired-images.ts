import type pg from "pg";
import { deleteUnreferencedBytes, type StorageContext } from "../storage/blob-rows.ts";
import { withTransaction } from "../storage/transaction.ts";
import { DEFAULT_PACING, paceBatches } from "./pace-batches.ts";
import type { PurgeOptions } from "./purge-expired-quarantine.ts";

// Removes images that no delivery received since `cutoff` carries: the image row, its blob row,
// its renditions and its delivery_images links, in small batches (25 images, about 125
// deliveries here), each one short transaction paced for the receivers (pace-batches.ts), and after
// each commit the bytes no row names any more (lib/storage/blob-rows.ts). The
// deliveries stay in the log, their image_id moved to a remaining image or nulled, and marked
// `purged_at`. A JSON delivery's raw body embeds its images in base64, so a delivery that
// loses an image loses its raw body too; its parsed payload (images replaced by references)
// stays. Images are shared by content hash: one delivered again recently is kept, whatever
// the age of its other deliveries.

export interface ImagePurgeResult {
  images: number;
  thumbnails: number;
  deliveries: number;
  rawBodies: number;
  bytes: number;
}

export async function purgeExpiredImages({ pool, blobs }: StorageContext, options: PurgeOptions): Promise<ImagePurgeResult> {
  const batchSize = options.batchSize ?? 25;
  const total: ImagePurgeResult = { images: 0, thumbnails: 0, deliveries: 0, rawBodies: 0, bytes: 0 };
  // Each batch starts at the creation time where the last one's candidates ended, rather than
  // walking again past the oldest images (those purged, and those kept for a recent delivery).
  let after = new Date(0);
  await paceBatches(options.pacing ?? DEFAULT_PACING, async () => {
    const { batch, candidates, freed, lastCreatedAt } = await withTransaction(pool, (client) => purgeBatch(client, options, batchSize, after));
    if (lastCreatedAt) after = lastCreatedAt;
    await deleteUnreferencedBytes(pool, blobs.store, freed);
    for (const key of Object.keys(total) as Array<keyof ImagePurgeResult>) total[key] += batch[key];
    return candidates < batchSize;
  });
  return total;
}

async function purgeBatch(client: pg.PoolClient, options: PurgeOptions, batchSize: number, after: Date) {
  const empty = { images: 0, thumbnails: 0, deliveries: 0, rawBodies: 0, bytes: 0 };
  // Locking an image blocks a delivery about to reference it (its foreign key check needs a
  // share lock), and an image such a delivery already references is skipped, locked.
  const locked = await client.query<{ id: string; created_at: Date }>(
    `SELECT i.id::text AS id, i.created_at FROM images i WHERE i.created_at < $1 AND i.created_at >= $3 AND ${NOT_DELIVERED_SINCE}
      ORDER BY i.created_at LIMIT $2 FOR UPDATE OF i SKIP LOCKED`,
    [options.cutoff, batchSize, after],
  );
  if (locked.rows.length === 0) return { batch: empty, candidates: 0, freed: [], lastCreatedAt: null };
  const lastCreatedAt = new Date(Math.max(...locked.rows.map((row) => row.created_at.getTime())));
  // Asked again in a fresh snapshot, now that no new reference can appear: a delivery that
  // committed between the first query's snapshot and the lock is seen here.
  const expired = await client.query<{ id: string; blob_id: string; byte_size: number }>(
    `SELECT i.id::text AS id, i.blob_id::text AS blob_id, i.byte_size FROM images i WHERE i.id = ANY($2::uuid[]) AND ${NOT_DELIVERED_SINCE}`,
    [options.cutoff, locked.rows.map((row) => row.id)],
  );
  const imageIds = expired.rows.map((row) => row.id);
  if (imageIds.length === 0) return { batch: empty, candidates: locked.rows.length, freed: [], lastCreatedAt };

  const deliveries = await client.query<{ id: string; raw_body_blob_id: string | null }>(
    `SELECT d.id::text AS id, d.raw_body_blob_id::text AS raw_body_blob_id FROM deliveries d
      WHERE d.id IN (SELECT delivery_id FROM delivery_images WHERE image_id = ANY($1::uuid[]) UNION SELECT id FROM deliveries WHERE image_id = ANY($1::uuid[]))
        FOR UPDATE OF d`,
    [imageIds],
  );
  const renditions = await client.query<{ blob_id: string }>(`DELETE FROM renditions WHERE image_id = ANY($1::uuid[]) RETURNING blob_id::text`, [imageIds]);
  await client.query(`DELETE FROM delivery_images WHERE image_id = ANY($1::uuid[])`, [imageIds]);
  await client.query(
    `UPDATE deliveries d SET purged_at = $2, raw_body_blob_id = NULL,
            image_id = (SELECT di.image_id FROM delivery_images di WHERE di.delivery_id = d.id ORDER BY di.position LIMIT 1)
      WHERE d.id = ANY($1::uuid[])`,
    [deliveries.rows.map((row) => row.id), options.now],
  );
  await client.query(`DELETE FROM images WHERE id = ANY($1::uuid[])`, [imageIds]);
  const rawBodyIds = deliveries.rows.flatMap((row) => (row.raw_body_blob_id ? [row.raw_body_blob_id] : []));
  const freed = await client.query<{ sha256: string; byte_size: string }>(`DELETE FROM blobs WHERE id = ANY($1::uuid[]) RETURNING sha256, byte_size::text`, [
    [...expired.rows.map((row) => row.blob_id), ...rawBodyIds, ...renditions.rows.map((row) => row.blob_id)],
  ]);
  return {
    batch: {
      images: imageIds.length,
      thumbnails: renditions.rows.length,
      deliveries: deliveries.rows.length,
      rawBodies: rawBodyIds.length,
      bytes: freed.rows.reduce((sum, row) => sum + Number(row.byte_size), 0),
    },
    candidates: locked.rows.length,
    freed: freed.rows.map((row) => row.sha256),
    lastCreatedAt,
  };
}

/** `$1` is the cutoff: no delivery received since then carries image `i`. */
const NOT_DELIVERED_SINCE = `
  NOT EXISTS (SELECT 1 FROM delivery_images di JOIN deliveries d ON d.id = di.delivery_id WHERE di.image_id = i.id AND d.received_at >= $1)
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.image_id = i.id AND d.received_at >= $1)`;
