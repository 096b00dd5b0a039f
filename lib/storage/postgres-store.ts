import { Readable } from "node:stream";
import type pg from "pg";
import { assertSha256, BlobNotFoundError, type BlobStore, type ListedBlob } from "./blob-store.ts";
import { isStorageUnavailable, StorageUnavailableError } from "./storage-errors.ts";
import { withTransaction } from "./transaction.ts";
import { valuesList } from "./values-list.ts";

// BLOB_STORE=postgres: the bytes in the same PostgreSQL as everything else, content-addressed,
// in 1 MiB chunks (postgres_blobs, postgres_blob_chunks; stored EXTERNAL, uncompressed). The
// slowest store for ingest (every byte goes through the WAL and TOAST), kept so that several
// instances can share one PostgreSQL and nothing else. node-postgres sends Buffer parameters in
// binary, so image bytes are never hex- or base64-encoded on the way in.

export const POSTGRES_CHUNK_BYTES = 1024 * 1024;
const WHICH = "the postgres blob store";

export function createPostgresStore(pool: pg.Pool): BlobStore {
  return {
    driver: "postgres",

    async open() {
      await pool.query("SELECT 1 FROM postgres_blobs LIMIT 1").catch((error: unknown) => {
        throw unavailable(error);
      });
      return "database";
    },

    async put(blobs) {
      const unique = [...new Map(blobs.map((blob) => [blob.sha256, blob])).values()].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
      if (unique.length === 0) return;
      for (const blob of unique) assertSha256(blob.sha256);
      await guarded(() =>
        withTransaction(pool, async (client) => {
          // A concurrent put of the same blob waits here for the other to commit, then skips it.
          const inserted = await client.query<{ sha256: string }>({
            name: `insert-postgres-blobs-${unique.length}`,
            text: `INSERT INTO postgres_blobs (sha256, byte_size) VALUES ${valuesList(unique.length, 2)} ON CONFLICT DO NOTHING RETURNING sha256`,
            values: unique.flatMap((blob) => [blob.sha256, blob.body.size]),
          });
          const isNew = new Set(inserted.rows.map((row) => row.sha256));
          for (const blob of unique) {
            if (!isNew.has(blob.sha256)) continue;
            let seq = 0;
            for await (const chunk of blob.body.chunks(POSTGRES_CHUNK_BYTES)) {
              await client.query({
                name: "insert-postgres-blob-chunk",
                text: "INSERT INTO postgres_blob_chunks (sha256, seq, data) VALUES ($1, $2, $3)",
                values: [blob.sha256, seq++, chunk],
              });
            }
          }
        }),
      );
    },

    async get(sha256, range) {
      const found = await this.stat(sha256);
      if (!found) throw new BlobNotFoundError(sha256);
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? found.size - 1, found.size - 1);
      return Readable.from(readChunks(pool, sha256, start, end));
    },

    async stat(sha256) {
      assertSha256(sha256);
      const { rows } = await guarded(() =>
        pool.query<{ byte_size: string; created_at: Date }>({
          name: "stat-postgres-blob",
          text: "SELECT byte_size, created_at FROM postgres_blobs WHERE sha256 = $1",
          values: [sha256],
        }),
      );
      return rows[0] ? { size: Number(rows[0].byte_size), modifiedAt: rows[0].created_at } : null;
    },

    async delete(sha256) {
      assertSha256(sha256);
      await guarded(() => pool.query("DELETE FROM postgres_blobs WHERE sha256 = $1", [sha256])); // chunks cascade
    },

    async *list() {
      // Keyset pages, so that a store of millions is never read into memory at once.
      for (let after = ""; ; ) {
        const { rows } = await guarded(() =>
          pool.query<{ sha256: string; byte_size: string; created_at: Date }>(
            "SELECT sha256, byte_size, created_at FROM postgres_blobs WHERE sha256 > $1 ORDER BY sha256 LIMIT 1000",
            [after],
          ),
        );
        for (const row of rows) yield { sha256: row.sha256, size: Number(row.byte_size), modifiedAt: row.created_at } satisfies ListedBlob;
        if (rows.length < 1000) return;
        after = rows.at(-1)!.sha256;
      }
    },

    async close() {},
  };
}

/** The chunks that hold bytes start..end (inclusive), each fetched on demand and trimmed to the range. */
async function* readChunks(pool: pg.Pool, sha256: string, start: number, end: number): AsyncGenerator<Buffer> {
  for (let seq = Math.floor(start / POSTGRES_CHUNK_BYTES); seq <= Math.floor(end / POSTGRES_CHUNK_BYTES); seq++) {
    // Text mode (hex on the wire): pg's per-query `binary` flag garbles bytea, seen here.
    const { rows } = await guarded(() =>
      pool.query<{ data: Buffer }>({
        name: "read-postgres-blob-chunk",
        text: "SELECT data FROM postgres_blob_chunks WHERE sha256 = $1 AND seq = $2",
        values: [sha256, seq],
      }),
    );
    if (!rows[0]) throw new BlobNotFoundError(sha256);
    const chunkStart = seq * POSTGRES_CHUNK_BYTES;
    yield rows[0].data.subarray(Math.max(0, start - chunkStart), end - chunkStart + 1);
  }
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw unavailable(error);
  }
}

function unavailable(error: unknown): unknown {
  return isStorageUnavailable(error) || (error as { code?: string }).code === "53100" ? new StorageUnavailableError(error, WHICH) : error;
}
