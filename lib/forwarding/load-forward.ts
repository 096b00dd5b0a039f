import type pg from "pg";
import type { StoredDelivery } from "./build-forward-request.ts";
import type { ForwardJob } from "./forward-job.ts";

// Everything one attempt needs, in one query: the forward's state, its destination, and what is
// stored of the delivery (the raw JSON body's blob for Eden AI, the image's for MaskIt).

export interface LoadedForward {
  state: "waiting" | "delivered" | "failed";
  attempts: number;
  destination: { id: string; url: string; enabled: boolean; secretCiphertext: Uint8Array };
  deliveryStatus: string;
  delivery: Omit<StoredDelivery, "blobSha256"> & { blobSha256: string | null };
}

export async function loadForward(pool: pg.Pool, job: ForwardJob): Promise<LoadedForward | null> {
  const { rows } = await pool.query(
    `SELECT f.state, f.attempts, d.url, d.enabled, d.secret_ciphertext, del.status, s.kind, del.headers, del.content_type, del.metadata, del.file_name,
            CASE WHEN s.kind = 'edenai' THEN rb.sha256 ELSE img.sha256 END AS blob_sha256,
            CASE WHEN s.kind = 'edenai' THEN rb.byte_size ELSE img.byte_size END AS blob_size, img.mime_type
       FROM forwards f
       JOIN destinations d ON d.id = f.destination_id
       JOIN deliveries del ON del.id = f.delivery_id
       JOIN sources s ON s.id = del.source_id
       LEFT JOIN blobs rb ON rb.id = del.raw_body_blob_id
       LEFT JOIN images img ON img.id = del.image_id
      WHERE f.delivery_id = $1 AND f.destination_id = $2`,
    [job.deliveryId, job.destinationId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    state: row.state,
    attempts: row.attempts,
    destination: { id: job.destinationId, url: row.url, enabled: row.enabled, secretCiphertext: row.secret_ciphertext },
    deliveryStatus: row.status,
    delivery: {
      id: job.deliveryId,
      kind: row.kind,
      headers: row.headers ?? {},
      contentType: row.content_type,
      metadata: row.metadata,
      fileName: row.file_name,
      blobSha256: row.blob_sha256,
      blobSize: row.blob_size === null ? null : Number(row.blob_size),
      imageMimeType: row.mime_type,
    },
  };
}
