import type pg from "pg";
import { deleteUnreferencedBytes, type StorageContext } from "../storage/blob-rows.ts";
import type { AuditEntry } from "../audit/record-audit.ts";
import type { IncomingImage, JobFacts } from "../deliveries/delivery-types.ts";
import { storeVerified } from "../deliveries/store-verified.ts";
import type { CredentialRef } from "../schemes/scheme.ts";
import { withTransaction } from "../storage/transaction.ts";
import { recordAuditOn } from "./audit-in-transaction.ts";

// Turns a quarantined delivery that now verifies into a verified one, in one transaction,
// through the receiver's own storing step (lib/deliveries/store-verified.ts: the dedupe key, its
// images, their links, its forwarding jobs, the NOTIFY), with its row updated rather than
// inserted; and what only re-verification does: the raw body out of quarantine (a JSON body
// stays, as the verified delivery's raw body), the credential's last match, the audit entry.

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
    const [stored] = await storeVerified(
      client,
      storage.blobs,
      [{ deliveryId: promotion.deliveryId, sourceId: promotion.sourceId, dedupeKey: promotion.dedupeKey, images: promotion.images }],
      async (_accepted, images) => {
        const first = promotion.images[0];
        await updateDelivery(client, promotion, first ? images.get(first.sha256)!.imageId : null, promotion.keepsRawBody ? row.blob_id : null);
      },
    );
    if (stored.isDuplicate) return { outcome: "duplicate", duplicateOf: stored.deliveryId };
    await client.query("DELETE FROM quarantined_bodies WHERE delivery_id = $1", [promotion.deliveryId]);
    if (!promotion.keepsRawBody) {
      await client.query("DELETE FROM blobs WHERE id = $1", [row.blob_id]);
      freedSha256 = row.sha256;
    }
    await client.query("UPDATE credentials SET last_matched_at = now() WHERE id = $1", [promotion.credential.id]);
    await recordAuditOn(client, promotion.audit);
    return { outcome: "verified", newImages: stored.newImages };
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
