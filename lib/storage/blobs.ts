import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Spool } from "../ingest/spool.ts";

// Large byte strings (images, quarantined bodies) are stored as 1 MiB rows of blob_chunks,
// written and read one chunk at a time. node-postgres sends Buffer parameters in binary, so the
// write path (the webhook hot path) never hex- or base64-encodes image bytes.

export const BLOB_CHUNK_BYTES = 1024 * 1024;

export async function writeBlob(client: pg.ClientBase, spool: Spool): Promise<string> {
  const id = randomUUID();
  await client.query({ name: "insert-blob", text: "INSERT INTO blobs (id, byte_size) VALUES ($1, $2)", values: [id, spool.size] });
  let seq = 0;
  for await (const chunk of spool.chunks(BLOB_CHUNK_BYTES)) {
    await client.query({ name: "insert-blob-chunk", text: "INSERT INTO blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)", values: [id, seq++, chunk] });
  }
  return id;
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
