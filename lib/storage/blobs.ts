import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Spool } from "../ingest/spool.ts";
import { valuesList } from "./values-list.ts";

// Large byte strings (images, quarantined bodies) are stored as 1 MiB rows of blob_chunks,
// written and read one chunk at a time. node-postgres sends Buffer parameters in binary, so the
// write path (the webhook hot path) never hex- or base64-encodes image bytes.

export const BLOB_CHUNK_BYTES = 1024 * 1024;

export interface BlobToWrite {
  id: string;
  spool: Spool;
}

export async function writeBlob(client: pg.ClientBase, spool: Spool): Promise<string> {
  const id = randomUUID();
  await writeBlobs(client, [{ id, spool }]);
  return id;
}

/**
 * Writes several blobs: one statement for every blob row and every blob that fits in one chunk
 * (a webhook image, typically), then one statement per chunk of the larger ones.
 */
export async function writeBlobs(client: pg.ClientBase, blobs: BlobToWrite[]): Promise<void> {
  if (blobs.length === 0) return;
  const small = blobs.filter((blob) => blob.spool.size > 0 && blob.spool.size <= BLOB_CHUNK_BYTES);
  const values: unknown[] = blobs.flatMap((blob) => [blob.id, blob.spool.size]);
  for (const blob of small) values.push(blob.id, await blob.spool.toBuffer());
  // The blob_chunks rows reference blobs rows inserted by the same statement: foreign keys are
  // checked at the end of the statement, when both are there.
  const text = small.length
    ? `WITH new_blobs AS (INSERT INTO blobs (id, byte_size) VALUES ${valuesList(blobs.length, 2)})
       INSERT INTO blob_chunks (blob_id, seq, data) SELECT blob_id, 0, data FROM (VALUES ${valuesList(small.length, 2, blobs.length * 2 + 1, ["uuid", "bytea"])}) AS chunk (blob_id, data)`
    : `INSERT INTO blobs (id, byte_size) VALUES ${valuesList(blobs.length, 2)}`;
  await client.query({ name: `insert-blobs-${blobs.length}-${small.length}`, text, values });

  for (const blob of blobs) {
    if (blob.spool.size <= BLOB_CHUNK_BYTES) continue;
    let seq = 0;
    for await (const chunk of blob.spool.chunks(BLOB_CHUNK_BYTES)) {
      await client.query({ name: "insert-blob-chunk", text: "INSERT INTO blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)", values: [blob.id, seq++, chunk] });
    }
  }
}

/** Streams a blob's bytes chunk by chunk, each chunk fetched on demand. */
export async function* readBlob(pool: pg.Pool, blobId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    // Text mode (hex on the wire): pg's per-query `binary` flag garbles bytea, seen here.
    const { rows } = await pool.query<{ data: Buffer }>("SELECT data FROM blob_chunks WHERE blob_id = $1 AND seq = $2", [blobId, seq]);
    if (rows.length === 0) return;
    yield rows[0].data;
  }
}

export async function readWholeBlob(pool: pg.Pool, blobId: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readBlob(pool, blobId)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
