import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Spool } from "../ingest/spool.ts";
import type { CredentialRef } from "../signatures/types.ts";
import { writeBlob } from "../storage/blobs.ts";
import { withTransaction } from "../storage/transaction.ts";

// Writes a delivery and everything it carries in one transaction: the receiver answers 2xx only
// after this commits. SQL rather than Prisma here because this is the hot path and the bytes
// should go to PostgreSQL without Prisma's base64 round trip (see lib/storage/blobs.ts).

export type DeliveryStatus = "verified" | "failed" | "rejected";

export interface DeliveryFacts {
  id: string;
  sourceId: string;
  receivedAt: Date;
  status: DeliveryStatus;
  httpStatus: number;
  reason: string | null;
  metadata: string | null;
  fileName: string | null;
  contentType: string | null;
  bodySha256: string | null;
  bodySize: number | null;
  signature: string | null;
  headers: Record<string, string>;
  matchedCredential: CredentialRef | null;
  durationMs: number;
}

export interface IncomingImage {
  spool: Spool;
  sha256: string;
  mimeType: string;
  width: number;
  height: number;
}

export type CommitResult =
  | { isDuplicate: false; deliveryId: string; imageId: string; isNewImage: boolean }
  | { isDuplicate: true; deliveryId: string };

/** Stores a verified delivery with its image, unless `dedupeKey` was seen before for the source. */
export async function commitVerifiedDelivery(
  pool: pg.Pool,
  delivery: DeliveryFacts,
  image: IncomingImage,
  dedupeKey: string,
): Promise<CommitResult> {
  return withTransaction(pool, async (client) => {
    const claimed = await client.query(
      `INSERT INTO dedupe_keys (source_id, key, delivery_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING delivery_id`,
      [delivery.sourceId, dedupeKey, delivery.id],
    );
    if (claimed.rowCount === 0) {
      const { rows } = await client.query<{ delivery_id: string }>(
        "SELECT delivery_id FROM dedupe_keys WHERE source_id = $1 AND key = $2",
        [delivery.sourceId, dedupeKey],
      );
      // Nothing was written; committing the empty transaction is the cheapest way out.
      return { isDuplicate: true, deliveryId: rows[0].delivery_id };
    }
    const { imageId, isNewImage } = await storeImage(client, image);
    await insertDelivery(client, delivery, imageId);
    if (delivery.matchedCredential) {
      await client.query("UPDATE credentials SET last_matched_at = $2 WHERE id = $1", [delivery.matchedCredential.id, delivery.receivedAt]);
    }
    return { isDuplicate: false, deliveryId: delivery.id, imageId, isNewImage };
  });
}

/** Stores a failed or rejected delivery, with its raw body in quarantine when there is one. */
export async function recordUnverifiedDelivery(pool: pg.Pool, delivery: DeliveryFacts, rawBody: Spool | null): Promise<void> {
  await withTransaction(pool, async (client) => {
    await insertDelivery(client, delivery, null);
    if (rawBody) {
      const blobId = await writeBlob(client, rawBody);
      await client.query("INSERT INTO quarantined_bodies (delivery_id, blob_id) VALUES ($1, $2)", [delivery.id, blobId]);
    }
  });
}

/** Content-addressed: the bytes of an image already stored are not stored again. */
async function storeImage(client: pg.PoolClient, image: IncomingImage): Promise<{ imageId: string; isNewImage: boolean }> {
  const existing = await client.query<{ id: string }>("SELECT id FROM images WHERE sha256 = $1", [image.sha256]);
  if (existing.rows[0]) return { imageId: existing.rows[0].id, isNewImage: false };
  const blobId = await writeBlob(client, image.spool);
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO images (id, sha256, mime_type, width, height, byte_size, blob_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (sha256) DO NOTHING RETURNING id`,
    [randomUUID(), image.sha256, image.mimeType, image.width, image.height, image.spool.size, blobId],
  );
  if (inserted.rows[0]) return { imageId: inserted.rows[0].id, isNewImage: true };
  // A concurrent delivery stored the same image first and has committed: use its row.
  await client.query("DELETE FROM blobs WHERE id = $1", [blobId]);
  const winner = await client.query<{ id: string }>("SELECT id FROM images WHERE sha256 = $1", [image.sha256]);
  return { imageId: winner.rows[0].id, isNewImage: false };
}

async function insertDelivery(client: pg.PoolClient, delivery: DeliveryFacts, imageId: string | null): Promise<void> {
  const credential = delivery.matchedCredential;
  await client.query(
    `INSERT INTO deliveries (id, source_id, received_at, status, http_status, reason, metadata, file_name, content_type,
       body_sha256, body_size, signature, headers, matched_credential_id, matched_credential, image_id, duration_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      delivery.id, delivery.sourceId, delivery.receivedAt, delivery.status, delivery.httpStatus, delivery.reason,
      delivery.metadata, delivery.fileName, delivery.contentType, delivery.bodySha256, delivery.bodySize,
      delivery.signature, JSON.stringify(delivery.headers), credential?.id ?? null,
      credential ? `${credential.label} (${credential.fingerprint})` : null, imageId, delivery.durationMs,
    ],
  );
}
