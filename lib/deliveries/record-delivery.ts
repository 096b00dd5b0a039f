import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Spool } from "../ingest/spool.ts";
import type { CredentialRef } from "../signatures/types.ts";
import { DELIVERY_CHANNEL } from "../events/delivery-events.ts";
import { writeBlob } from "../storage/blobs.ts";
import { withTransaction } from "../storage/transaction.ts";

// Writes a delivery and everything it carries in one transaction: the receiver answers 2xx only
// after this commits. SQL rather than Prisma here because this is the hot path and the bytes
// should go to PostgreSQL without Prisma's base64 round trip (see lib/storage/blobs.ts). The
// statements are named, so each pooled connection parses and plans them once.

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
  /** JSON deliveries (Eden AI) only. */
  job?: JobFacts;
}

export interface JobFacts {
  jobId: string | null;
  jobStatus: string | null;
  provider: string | null;
  feature: string | null;
  subfeature: string | null;
  signatureForm: string | null;
  payload: unknown;
}

export interface IncomingImage {
  spool: Spool;
  sha256: string;
  mimeType: string;
  width: number;
  height: number;
  /** The multipart field, or the JSON path in the payload, it came from. */
  origin: string;
}

export interface VerifiedContent {
  images: IncomingImage[];
  /** The raw body, kept as received (JSON deliveries, whose bytes are the record). */
  rawBody?: Spool;
}

export type CommitResult =
  | { isDuplicate: false; deliveryId: string; newImages: Array<{ id: string; image: IncomingImage }> }
  | { isDuplicate: true; deliveryId: string };

/** Stores a verified delivery with its images, unless `dedupeKey` was seen before for the source. */
export async function commitVerifiedDelivery(
  pool: pg.Pool,
  delivery: DeliveryFacts,
  content: VerifiedContent,
  dedupeKey: string,
): Promise<CommitResult> {
  return withTransaction(pool, async (client) => {
    const claimed = await client.query({
      name: "claim-dedupe-key",
      text: "INSERT INTO dedupe_keys (source_id, key, delivery_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING delivery_id",
      values: [delivery.sourceId, dedupeKey, delivery.id],
    });
    if (claimed.rowCount === 0) {
      const { rows } = await client.query<{ delivery_id: string }>(
        "SELECT delivery_id FROM dedupe_keys WHERE source_id = $1 AND key = $2",
        [delivery.sourceId, dedupeKey],
      );
      // Nothing was written; committing the empty transaction is the cheapest way out.
      return { isDuplicate: true, deliveryId: rows[0].delivery_id };
    }
    const stored = [];
    for (const image of content.images) stored.push({ image, ...(await storeImage(client, image)) });
    const rawBodyBlobId = content.rawBody ? await writeBlob(client, content.rawBody) : null;
    await insertDelivery(client, delivery, stored[0]?.imageId ?? null, rawBodyBlobId);
    for (const [position, { imageId, image }] of stored.entries()) {
      await client.query({
        name: "insert-delivery-image",
        text: "INSERT INTO delivery_images (delivery_id, position, image_id, origin) VALUES ($1, $2, $3, $4)",
        values: [delivery.id, position, imageId, image.origin],
      });
    }
    if (delivery.matchedCredential) await noteCredentialMatch(client, delivery.matchedCredential.id, delivery.receivedAt);
    await notifyDelivery(client, delivery.id);
    const newImages = stored.filter((entry) => entry.isNewImage).map(({ imageId, image }) => ({ id: imageId, image }));
    return { isDuplicate: false, deliveryId: delivery.id, newImages };
  });
}

/** Stores a failed or rejected delivery, with its raw body in quarantine when there is one. */
export async function recordUnverifiedDelivery(pool: pg.Pool, delivery: DeliveryFacts, rawBody: Spool | null): Promise<void> {
  await withTransaction(pool, async (client) => {
    await insertDelivery(client, delivery, null, null);
    if (rawBody) {
      const blobId = await writeBlob(client, rawBody);
      await client.query("INSERT INTO quarantined_bodies (delivery_id, blob_id) VALUES ($1, $2)", [delivery.id, blobId]);
    }
    await notifyDelivery(client, delivery.id);
  });
}

/**
 * Content-addressed: the bytes of an image already stored are not stored again. Exported for
 * re-verification (lib/inspection), which stores a quarantined delivery's images the same way.
 */
export async function storeImage(client: pg.PoolClient, image: IncomingImage): Promise<{ imageId: string; isNewImage: boolean }> {
  // FOR KEY SHARE: a retention purge (lib/retention) cannot delete the row under this delivery.
  const existing = await client.query<{ id: string }>({ name: "find-image", text: "SELECT id FROM images WHERE sha256 = $1 FOR KEY SHARE", values: [image.sha256] });
  if (existing.rows[0]) return { imageId: existing.rows[0].id, isNewImage: false };
  const blobId = await writeBlob(client, image.spool);
  const inserted = await client.query<{ id: string }>({
    name: "insert-image",
    text: `INSERT INTO images (id, sha256, mime_type, width, height, byte_size, blob_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (sha256) DO NOTHING RETURNING id`,
    values: [randomUUID(), image.sha256, image.mimeType, image.width, image.height, image.spool.size, blobId],
  });
  if (inserted.rows[0]) return { imageId: inserted.rows[0].id, isNewImage: true };
  // A concurrent delivery stored the same image first and has committed: use its row.
  await client.query("DELETE FROM blobs WHERE id = $1", [blobId]);
  const winner = await client.query<{ id: string }>("SELECT id FROM images WHERE sha256 = $1 FOR KEY SHARE", [image.sha256]);
  return { imageId: winner.rows[0].id, isNewImage: false };
}

async function insertDelivery(client: pg.PoolClient, delivery: DeliveryFacts, imageId: string | null, rawBodyBlobId: string | null): Promise<void> {
  const credential = delivery.matchedCredential;
  const job = delivery.job;
  await client.query({
    name: "insert-delivery",
    text: `INSERT INTO deliveries (id, source_id, received_at, status, http_status, reason, metadata, file_name, content_type,
       body_sha256, body_size, signature, headers, matched_credential_id, matched_credential, image_id, duration_ms,
       job_id, job_status, provider, feature, subfeature, signature_form, payload, raw_body_blob_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)`,
    values: [
      delivery.id, delivery.sourceId, delivery.receivedAt, delivery.status, delivery.httpStatus, delivery.reason,
      delivery.metadata, delivery.fileName, delivery.contentType, delivery.bodySha256, delivery.bodySize,
      delivery.signature, JSON.stringify(delivery.headers), credential?.id ?? null,
      credential ? `${credential.label} (${credential.fingerprint})` : null, imageId, delivery.durationMs,
      job?.jobId ?? null, job?.jobStatus ?? null, job?.provider ?? null, job?.feature ?? null, job?.subfeature ?? null,
      job?.signatureForm ?? null, job?.payload === undefined ? null : JSON.stringify(job.payload), rawBodyBlobId,
    ],
  });
}

/** Live pages on every instance learn of the delivery when this transaction commits (lib/events). */
export async function notifyDelivery(client: pg.ClientBase, deliveryId: string): Promise<void> {
  await client.query({ name: "notify-delivery", text: "SELECT pg_notify($1, $2)", values: [DELIVERY_CHANNEL, deliveryId] });
}

/**
 * Every delivery of a source matches the same credential row. Updating it in each delivery's
 * transaction would hold that row's lock until each commit, and so commit concurrent
 * deliveries one at a time; "last matched" is kept to within LAST_MATCH_PRECISION_MS instead.
 * The in-process memo skips the statement; the condition keeps other instances from rewriting
 * a fresh value.
 */
const LAST_MATCH_PRECISION_MS = 10_000;
const lastMatchWritten = new Map<string, number>();

async function noteCredentialMatch(client: pg.PoolClient, credentialId: string, at: Date): Promise<void> {
  if (at.getTime() - (lastMatchWritten.get(credentialId) ?? 0) < LAST_MATCH_PRECISION_MS) return;
  lastMatchWritten.set(credentialId, at.getTime());
  await client.query({
    name: "note-credential-match",
    text: `UPDATE credentials SET last_matched_at = $2
            WHERE id = $1 AND (last_matched_at IS NULL OR last_matched_at < $2::timestamptz - make_interval(secs => $3))`,
    values: [credentialId, at, LAST_MATCH_PRECISION_MS / 1000],
  });
}
