import type pg from "pg";
import { valuesList } from "../storage/values-list.ts";
import type { DeliveryFacts } from "./record-delivery.ts";

// The deliveries rows themselves, written for one delivery or a whole group-committed batch in
// one statement, and the "last matched" time of the credentials that verified them.

export interface DeliveryRow {
  delivery: DeliveryFacts;
  imageId: string | null;
  rawBodyBlobId: string | null;
}

const COLUMNS = `id, source_id, received_at, status, http_status, reason, metadata, file_name, content_type,
  body_sha256, body_size, signature, headers, matched_credential_id, matched_credential, image_id, duration_ms,
  job_id, job_status, provider, feature, subfeature, signature_form, payload, raw_body_blob_id`;
const COLUMN_COUNT = 25;

export async function insertDeliveries(client: pg.ClientBase, rows: DeliveryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query({
    name: `insert-deliveries-${rows.length}`,
    text: `INSERT INTO deliveries (${COLUMNS}) VALUES ${valuesList(rows.length, COLUMN_COUNT)}`,
    values: rows.flatMap(rowValues),
  });
}

function rowValues({ delivery, imageId, rawBodyBlobId }: DeliveryRow): unknown[] {
  const credential = delivery.matchedCredential;
  const job = delivery.job;
  return [
    delivery.id,
    delivery.sourceId,
    delivery.receivedAt,
    delivery.status,
    delivery.httpStatus,
    delivery.reason,
    delivery.metadata,
    delivery.fileName,
    delivery.contentType,
    delivery.bodySha256,
    delivery.bodySize,
    delivery.signature,
    JSON.stringify(delivery.headers),
    credential?.id ?? null,
    credential ? `${credential.label} (${credential.fingerprint})` : null,
    imageId,
    delivery.durationMs,
    job?.jobId ?? null,
    job?.jobStatus ?? null,
    job?.provider ?? null,
    job?.feature ?? null,
    job?.subfeature ?? null,
    job?.signatureForm ?? null,
    job?.payload === undefined ? null : JSON.stringify(job.payload),
    rawBodyBlobId,
  ];
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

export async function noteCredentialMatch(client: pg.ClientBase, credentialId: string, at: Date): Promise<void> {
  if (at.getTime() - (lastMatchWritten.get(credentialId) ?? 0) < LAST_MATCH_PRECISION_MS) return;
  lastMatchWritten.set(credentialId, at.getTime());
  await client.query({
    name: "note-credential-match",
    text: `UPDATE credentials SET last_matched_at = $2
            WHERE id = $1 AND (last_matched_at IS NULL OR last_matched_at < $2::timestamptz - make_interval(secs => $3))`,
    values: [credentialId, at, LAST_MATCH_PRECISION_MS / 1000],
  });
}
