import type pg from "pg";
import type { BlobBody, BlobStore } from "./blob-store.ts";
import type { StoreRecord } from "./installation-store.ts";
import { BLOB_STORE_SETTING } from "./installation-store.ts";
import { StorageUnavailableError } from "./storage-errors.ts";
import { valuesList } from "./values-list.ts";

// The rows that say which blobs exist (`blobs`: one row per reference, named by SHA-256), and
// the rule that keeps rows and bytes in step across every instance and driver:
//
//   Bytes of a SHA-256 are deleted only by someone holding that SHA-256's advisory lock
//   exclusively, and only while no `blobs` row names it. Writers take the lock shared in the
//   transaction that inserts their rows, after putting the bytes; under it they check that the
//   bytes are still there unless a committed row already names them (a deletion may have run
//   between their put and their lock), and put them again if not.
//
// So a writer's put is durable before its commit, deletion removes rows first and bytes after
// their commit, a crash in between leaves unreferenced bytes (the sweep's job), and no row is
// ever committed without its bytes. The same lock class, with key 0, is the store switch:
// `blobs migrate` holds it exclusively while it copies the last blobs and records the new store.

export const BLOB_LOCK_CLASS = 72_707_371;
const STORE_SWITCH_KEY = 0;

export interface NewBlobRow {
  id: string;
  sha256: string;
  body: BlobBody;
}

export interface BlobWriter {
  store: BlobStore;
  record: StoreRecord;
}

/** Where deliveries are stored: rows in PostgreSQL, bytes in the installation's blob store. */
export interface StorageContext {
  pool: pg.Pool;
  blobs: BlobWriter;
}

/** Locks the SHA-256s shared, for the rest of the transaction; also the store switch. Sorted, so lockers never deadlock. */
export async function lockBlobsShared(client: pg.ClientBase, sha256s: string[]): Promise<void> {
  await client.query({
    name: "lock-blobs-shared",
    text: `SELECT pg_advisory_xact_lock_shared($1, key) FROM (SELECT key FROM (SELECT hashtext(sha) AS key FROM unnest($2::text[]) AS sha UNION SELECT $3) AS keys ORDER BY key) AS sorted`,
    values: [BLOB_LOCK_CLASS, sha256s, STORE_SWITCH_KEY],
  });
}

/**
 * Inserts blob rows in the caller's transaction, after their bytes were put in `writer.store`,
 * taking the locks above first. Throws StorageUnavailableError if `blobs migrate` has switched
 * the installation to another store since this instance started.
 */
export async function insertBlobRows(client: pg.ClientBase, writer: BlobWriter, rows: NewBlobRow[]): Promise<void> {
  if (rows.length === 0) return;
  const sha256s = [...new Set(rows.map((row) => row.sha256))];
  await lockBlobsShared(client, sha256s);
  const {
    rows: [state],
  } = await client.query<{ identity: string | null; known: string[] }>({
    name: `insert-blob-rows-${rows.length}`,
    text: `WITH known AS (SELECT DISTINCT sha256 FROM blobs WHERE sha256 = ANY($1::text[])),
                inserted AS (INSERT INTO blobs (id, sha256, byte_size) VALUES ${valuesList(rows.length, 3, 3)} RETURNING 1)
           SELECT (SELECT value->>'identity' FROM settings WHERE key = $2) AS identity, ARRAY(SELECT sha256 FROM known) AS known,
                  (SELECT count(*) FROM inserted) AS rows`,
    values: [sha256s, BLOB_STORE_SETTING, ...rows.flatMap((row) => [row.id, row.sha256, row.body.size])],
  });
  if (state.identity !== writer.record.identity) {
    throw new StorageUnavailableError(
      new Error(`the installation now keeps its blobs in ${state.identity} (blobs migrate); restart this instance with that store's settings`),
      `the ${writer.store.driver} blob store`,
    );
  }
  const known = new Set(state.known);
  const unconfirmed = [...new Map(rows.filter((row) => !known.has(row.sha256)).map((row) => [row.sha256, row])).values()];
  const stats = await Promise.all(unconfirmed.map((row) => writer.store.stat(row.sha256)));
  const missing = unconfirmed.filter((row, index) => stats[index]?.size !== row.body.size);
  // Deleted between the put and the lock by a retention purge or the sweep: put them again.
  if (missing.length > 0) await writer.store.put(missing.map((row) => ({ sha256: row.sha256, body: row.body })));
}

/**
 * After the commit that deleted blob rows: removes the bytes that no row names any more.
 * Never throws; what it cannot delete now stays as unreferenced bytes, for the sweep.
 */
export async function deleteUnreferencedBytes(pool: pg.Pool, store: BlobStore, sha256s: Iterable<string>): Promise<number> {
  const all = [...new Set(sha256s)];
  let deleted = 0;
  for (let offset = 0; offset < all.length; offset += 100) {
    try {
      deleted += await deleteBatch(pool, store, all.slice(offset, offset + 100));
    } catch (error) {
      console.warn(`blob store: could not delete unreferenced blobs now (the sweep will): ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return deleted;
}

async function deleteBatch(pool: pg.Pool, store: BlobStore, sha256s: string[]): Promise<number> {
  const client = await pool.connect();
  const keys = {
    text: `FROM (SELECT key FROM (SELECT DISTINCT hashtext(sha) AS key FROM unnest($2::text[]) AS sha) AS keys ORDER BY key) AS sorted`,
    values: [BLOB_LOCK_CLASS, sha256s],
  };
  let isLocked = false;
  try {
    // Session locks, not a transaction: the bytes are deleted while holding them.
    isLocked = true; // before the query: a lock statement that fails half-way may hold some
    await client.query(`SELECT pg_advisory_lock($1, key) ${keys.text}`, keys.values);
    // One index probe per SHA-256 (EXISTS stops at the first row), however many rows name it.
    const { rows } = await client.query<{ sha256: string }>(
      "SELECT sha AS sha256 FROM unnest($1::text[]) AS sha WHERE EXISTS (SELECT 1 FROM blobs WHERE blobs.sha256 = sha)",
      [sha256s],
    );
    const referenced = new Set(rows.map((row) => row.sha256));
    const unreferenced = sha256s.filter((sha) => !referenced.has(sha));
    await Promise.all(unreferenced.map((sha) => store.delete(sha)));
    return unreferenced.length;
  } finally {
    const isUnlocked =
      !isLocked ||
      (await client.query(`SELECT pg_advisory_unlock($1, key) ${keys.text}`, keys.values).then(
        () => true,
        () => false,
      ));
    // A connection that may still hold the locks is not handed to anyone else.
    client.release(!isUnlocked);
  }
}
