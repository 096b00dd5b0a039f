import type pg from "pg";
import { deleteUnreferencedBytes, type StorageContext } from "../storage/blob-rows.ts";
import type { AuditEntry } from "../audit/record-audit.ts";
import { storeImages } from "../deliveries/commit-batch.ts";
import { notifyDelivery, type IncomingImage, type JobFacts } from "../deliveries/record-delivery.ts";
import type { CredentialRef } from "../signatures/types.ts";
import { withTransaction } from "../storage/transaction.ts";
import { enqueueForwards } from "../forwarding/enqueue-forwards.ts";
import { recordAuditOn } from "./audit-in-transaction.ts";

// Turns a quarantined delivery that now verifies into a verified one, in one transaction, as
// commitVerifiedDelivery would have stored it on arrival: the dedupe key, its images (content-
// addressed, through the receiver's storeImages), the matched credential and its last match,
// the raw body out of quarantine (an Eden AI body stays, as the verified delivery's raw body),
// the audit entry, its forwarding jobs, and the NOTIFY that live pages listen for.

export interface Promotion {
  deliveryId: string;
  sourceId: string;
  credential: CredentialRef;
  images: IncomingImage[];
  job: JobFacts | null;
  dedupeKey: string;
  keepsRawBody: boolean;
  audit: AuditEntry;
}

export type PromotionResult =
  | { outcome: "verified"; newImages: Array<{ id: string; image: IncomingImage }> }
  | { outcome: "duplicate"; duplicateOf: string }
  /** Re-verified or deleted meanwhile, by someone else. */
  | { outcome: "gone" };

export async function promoteDelivery(storage: StorageContext, promotion: Promotion): Promise<PromotionResult> {
  // The images' bytes are durable before the transaction that references them.
  await storage.blobs.store.put(promotion.images.map((image) => ({ sha256: image.sha256, body: image.spool })));
  let freedSha256: string | null = null;
  const result = await withTransaction(storage.pool, async (client): Promise<PromotionResult> => {
    const { rows } = await client.query<{ status: string; blob_id: string | null; sha256: string | null }>(
      `SELECT d.status, q.blob_id, b.sha256 FROM deliveries d LEFT JOIN quarantined_bodies q ON q.delivery_id = d.id LEFT JOIN blobs b ON b.id = q.blob_id
        WHERE d.id = $1 FOR UPDATE OF d`,
      [promotion.deliveryId],
    );
    const row = rows[0];
    if (!row || row.status === "verified" || !row.blob_id) return { outcome: "gone" };
    const claimed = await client.query(
      "INSERT INTO dedupe_keys (source_id, key, delivery_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING delivery_id",
      [promotion.sourceId, promotion.dedupeKey, promotion.deliveryId],
    );
    if (claimed.rowCount === 0) {
      const existing = await client.query<{ delivery_id: string }>("SELECT delivery_id FROM dedupe_keys WHERE source_id = $1 AND key = $2", [
        promotion.sourceId,
        promotion.dedupeKey,
      ]);
      return { outcome: "duplicate", duplicateOf: existing.rows[0].delivery_id };
    }

    const byHash = await storeImages(client, storage.blobs, promotion.images);
    const stored = promotion.images.map((image) => ({ image, imageId: byHash.get(image.sha256)!.imageId, isNewImage: byHash.get(image.sha256)!.isNew }));
    for (const [position, { imageId, image }] of stored.entries()) {
      await client.query("INSERT INTO delivery_images (delivery_id, position, image_id, origin) VALUES ($1, $2, $3, $4)", [
        promotion.deliveryId,
        position,
        imageId,
        image.origin,
      ]);
    }
    await updateDelivery(client, promotion, stored[0]?.imageId ?? null, promotion.keepsRawBody ? row.blob_id : null);
    await client.query("DELETE FROM quarantined_bodies WHERE delivery_id = $1", [promotion.deliveryId]);
    if (!promotion.keepsRawBody) {
      await client.query("DELETE FROM blobs WHERE id = $1", [row.blob_id]);
      freedSha256 = row.sha256;
    }
    await client.query("UPDATE credentials SET last_matched_at = now() WHERE id = $1", [promotion.credential.id]);
    await recordAuditOn(client, promotion.audit);
    // Now verified, it is forwarded like any verified delivery, in this transaction.
    await enqueueForwards(client, [{ id: promotion.deliveryId, sourceId: promotion.sourceId }]);
    await notifyDelivery(client, promotion.deliveryId);
    const newImages = stored.filter((entry, index) => entry.isNewImage && stored.findIndex((other) => other.imageId === entry.imageId) === index);
    return { outcome: "verified", newImages: newImages.map(({ imageId, image }) => ({ id: imageId, image })) };
  });
  // Rows first, bytes after their commit; images already stored elsewhere leave nothing to free.
  if (freedSha256) await deleteUnreferencedBytes(storage.pool, storage.blobs.store, [freedSha256]);
  // Nothing was stored: the bytes put for its images may be no one's.
  if (result.outcome !== "verified")
    await deleteUnreferencedBytes(
      storage.pool,
      storage.blobs.store,
      promotion.images.map((image) => image.sha256),
    );
  return result;
}

async function updateDelivery(client: pg.PoolClient, promotion: Promotion, imageId: string | null, rawBodyBlobId: string | null): Promise<void> {
  const { credential, job } = promotion;
  // The label and fingerprint as they are now, the way the receiver records a match.
  await client.query(
    // http_status and reason stay: they are what the sender was answered, and the log keeps that.
    `UPDATE deliveries SET status = 'verified', reverified_at = now(), reverified_by = $6,
       matched_credential_id = $2, matched_credential = $3, image_id = $4, raw_body_blob_id = $5
     WHERE id = $1`,
    [promotion.deliveryId, credential.id, `${credential.label} (${credential.fingerprint})`, imageId, rawBodyBlobId, promotion.audit.actor.name],
  );
  if (!job) return;
  await client.query(
    `UPDATE deliveries SET job_id = $2, job_status = $3, provider = $4, feature = $5, subfeature = $6, signature_form = $7, payload = $8 WHERE id = $1`,
    [promotion.deliveryId, job.jobId, job.jobStatus, job.provider, job.feature, job.subfeature, job.signatureForm, JSON.stringify(job.payload)],
  );
}
