import type pg from "pg";
import { deleteUnreferencedBytes, type StorageContext } from "./blob-rows.ts";

// What a crash leaves behind, removed: bytes put for a transaction that never committed (no row
// names them), blob rows whose owner is gone without them (nothing references the row), and a
// filesystem store's temporary files. Only what is older than `olderThan` (an hour by default):
// a younger one may belong to a transaction still under way. One instance at a time sweeps (a
// session advisory lock; the others skip their turn); the bytes themselves go through the same
// locked deletion as every other (lib/storage/blob-rows.ts), so a writer that is just now
// taking a reference to them either keeps them or puts them back.

export const SWEEP_LOCK_KEY = 7_270_736_902;
const DEFAULT_MIN_AGE_MS = 60 * 60 * 1000;
const PAGE = 1000;

export interface SweepResult {
  status: "done" | "busy";
  rows: number;
  blobs: number;
  temporaryFiles: number;
}

export async function sweepOrphans(storage: StorageContext, options: { olderThan?: Date } = {}): Promise<SweepResult> {
  const olderThan = options.olderThan ?? new Date(Date.now() - DEFAULT_MIN_AGE_MS);
  const lockHolder = await storage.pool.connect();
  let isBroken = false;
  try {
    const { rows } = await lockHolder.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [SWEEP_LOCK_KEY]);
    if (!rows[0].locked) return { status: "busy", rows: 0, blobs: 0, temporaryFiles: 0 };
    try {
      const unreferencedRows = await deleteUnreferencedRows(storage, olderThan);
      const blobs = await deleteUnnamedBytes(storage, olderThan);
      const store = storage.blobs.store as { removeStaleTemporaryFiles?: (olderThan: Date) => Promise<number> };
      const temporaryFiles = (await store.removeStaleTemporaryFiles?.(olderThan)) ?? 0;
      return { status: "done", rows: unreferencedRows, blobs, temporaryFiles };
    } finally {
      await lockHolder.query("SELECT pg_advisory_unlock($1)", [SWEEP_LOCK_KEY]).catch(() => {
        isBroken = true;
      });
    }
  } finally {
    lockHolder.release(isBroken);
  }
}

/** Blob rows that no image, rendition, quarantined body or delivery names, and their bytes. */
async function deleteUnreferencedRows({ pool, blobs }: StorageContext, olderThan: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await pool.query<{ sha256: string }>(
      // Asked again once the rows are locked, in the DELETE's own snapshot.
      `DELETE FROM blobs AS b WHERE b.id IN (
         SELECT b.id FROM blobs AS b WHERE b.created_at < $1 AND ${UNREFERENCED} LIMIT $2 FOR UPDATE SKIP LOCKED
       ) AND ${UNREFERENCED} RETURNING sha256`,
      [olderThan, PAGE],
    );
    await deleteUnreferencedBytes(
      pool,
      blobs.store,
      rows.map((row) => row.sha256),
    );
    total += rows.length;
    if (rows.length < PAGE) return total;
  }
}

const UNREFERENCED = `NOT EXISTS (SELECT 1 FROM images WHERE blob_id = b.id)
  AND NOT EXISTS (SELECT 1 FROM renditions WHERE blob_id = b.id)
  AND NOT EXISTS (SELECT 1 FROM quarantined_bodies WHERE blob_id = b.id)
  AND NOT EXISTS (SELECT 1 FROM deliveries WHERE raw_body_blob_id = b.id)`;

/** Bytes in the store that no blob row names. */
async function deleteUnnamedBytes({ pool, blobs }: StorageContext, olderThan: Date): Promise<number> {
  let total = 0;
  let page: string[] = [];
  const flush = async () => {
    total += await deleteUnreferencedBytes(pool, blobs.store, await unnamed(pool, page));
    page = [];
  };
  for await (const blob of blobs.store.list()) {
    if (blob.modifiedAt >= olderThan) continue;
    page.push(blob.sha256);
    if (page.length >= PAGE) await flush();
  }
  await flush();
  return total;
}

async function unnamed(pool: pg.Pool, sha256s: string[]): Promise<string[]> {
  if (sha256s.length === 0) return [];
  const { rows } = await pool.query<{ sha256: string }>("SELECT DISTINCT sha256 FROM blobs WHERE sha256 = ANY($1::text[])", [sha256s]);
  const named = new Set(rows.map((row) => row.sha256));
  return sha256s.filter((sha) => !named.has(sha));
}
