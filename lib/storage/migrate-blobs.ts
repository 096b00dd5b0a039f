import type pg from "pg";
import { BLOB_LOCK_CLASS } from "./blob-rows.ts";
import { BlobCorruptError, BlobNotFoundError, type BlobStore } from "./blob-store.ts";
import { copyBlob } from "./copy-blob.ts";
import { BLOB_STORE_SETTING, readStoreRecord, type StoreRecord } from "./installation-store.ts";

// `blobs migrate --to …`: copies every blob the rows name into another store, checking each
// SHA-256, while the app goes on receiving; then switches the installation over.
//
// 1. A pass over every named SHA-256, in order, skipping what the target already has. Where it
//    got to is saved (settings `blob_store_migration`), so an interrupted run resumes there.
// 2. Catch-up passes over the rows added since the last pass began, until one has little left
//    to copy. (Not "finds little": rows are looked for from CATCH_UP_MARGIN_MS before the pass
//    began, so on an installation whose rows are all that young every pass finds all of them.)
// 3. The switch: the store-switch lock (lib/storage/blob-rows.ts) taken exclusively, so no
//    writer can commit a new blob row; one last catch-up pass; the store record set to the
//    target; the lock released. Writers on instances still configured with the old store now
//    fail their commits (503, retried by the senders) until restarted with the new settings.
// Nothing is deleted from the old store: it stays as it was, for a rollback, until removed by hand.

export const MIGRATION_SETTING = "blob_store_migration";
/** Blobs per page, and so between two saves of the position: what an interruption can cost again. */
export const DEFAULT_PAGE_SIZE = 200;
const COPIES_AT_ONCE = 4;
/** Rows are stamped with their transaction's start; one that ran this long would be missed. */
const CATCH_UP_MARGIN_MS = 10 * 60 * 1000;
const QUIET_ENOUGH = 20;

export interface MigrationProgress {
  phase: "copy" | "catch-up" | "switch";
  done: number;
  total: number;
  bytes: number;
  copied: number;
}

export interface MigrateOptions {
  pool: pg.Pool;
  from: BlobStore;
  to: BlobStore;
  spoolDir: string;
  /** Blobs per page (DEFAULT_PAGE_SIZE): the position is saved after each. */
  pageSize?: number;
  onProgress?: (progress: MigrationProgress) => void;
}

export interface MigrationResult {
  record: StoreRecord;
  /** Distinct blobs checked, counting those a resumed run's earlier attempts got through. */
  blobs: number;
  /** Copied by this run (the target lacked them). */
  copied: number;
  /** Of `blobs`, how many an interrupted earlier run had already got through. */
  resumedAt: number;
  bytes: number;
  /** Named by rows but not in the old store, or not matching their SHA-256 there: not copied. */
  missing: string[];
  corrupt: string[];
}

export async function migrateBlobs(options: MigrateOptions): Promise<MigrationResult> {
  const { pool, to, pageSize = DEFAULT_PAGE_SIZE } = options;
  const target: StoreRecord = { driver: to.driver, identity: await to.open() };
  const current = await readStoreRecord(pool);
  if (current && current.identity === target.identity) throw new Error(`the installation already keeps its blobs in ${target.identity}`);
  const state = await startOrResume(pool, target);
  const total = await countNamed(pool);
  const resumedAt = state.after ? await countNamed(pool, state.after) : 0;
  const result: MigrationResult = { record: target, blobs: resumedAt, copied: 0, resumedAt, bytes: 0, missing: [], corrupt: [] };

  let passStartedAt = new Date();
  for (let after = state.after; ; ) {
    const page = await namedPage(pool, after, pageSize);
    await copyAll(options, page, result, true, () =>
      options.onProgress?.({ phase: "copy", done: result.blobs, total, bytes: result.bytes, copied: result.copied }),
    );
    if (page.length < pageSize) break;
    after = page.at(-1)!;
    await saveState(pool, { target, after, startedAt: state.startedAt });
  }
  for (;;) {
    const since = new Date(passStartedAt.getTime() - CATCH_UP_MARGIN_MS);
    passStartedAt = new Date();
    const recent = await namedSince(pool, since);
    const copiedBefore = result.copied;
    // Counted only when copied: the others were counted by the pass, or are in the target already.
    await copyAll(options, recent, result, false, () =>
      options.onProgress?.({ phase: "catch-up", done: result.blobs, total, bytes: result.bytes, copied: result.copied }),
    );
    if (result.copied - copiedBefore <= QUIET_ENOUGH) break;
  }
  if (result.missing.length > 0 || result.corrupt.length > 0) return result; // not switched: the caller says why
  await switchOver(options, result, passStartedAt, target);
  return result;
}

async function switchOver(options: MigrateOptions, result: MigrationResult, lastPassStartedAt: Date, target: StoreRecord): Promise<void> {
  const client = await options.pool.connect();
  let isBroken = true;
  try {
    options.onProgress?.({ phase: "switch", done: result.blobs, total: result.blobs, bytes: result.bytes, copied: result.copied });
    // Writers hold this lock shared while they commit blob rows: once it is ours, every such row is committed and visible.
    await client.query("SELECT pg_advisory_lock($1, 0)", [BLOB_LOCK_CLASS]);
    const recent = await namedSince(client, new Date(lastPassStartedAt.getTime() - CATCH_UP_MARGIN_MS));
    await copyAll(options, recent, result, false, () => {});
    if (result.missing.length === 0 && result.corrupt.length === 0) {
      // One transaction: a run killed between the two would leave the installation switched
      // with a migration still recorded as under way.
      await client.query("BEGIN");
      await client.query("UPDATE settings SET value = $2, updated_at = now() WHERE key = $1", [BLOB_STORE_SETTING, JSON.stringify(target)]);
      await client.query("DELETE FROM settings WHERE key = $1", [MIGRATION_SETTING]);
      await client.query("COMMIT");
    }
    await client.query("SELECT pg_advisory_unlock($1, 0)", [BLOB_LOCK_CLASS]);
    isBroken = false;
  } finally {
    client.release(isBroken);
  }
}

/** Copies what the target lacks, a few at a time; missing and corrupt blobs are noted, not fatal. */
async function copyAll(
  { pool, from, to, spoolDir }: MigrateOptions,
  sha256s: string[],
  result: MigrationResult,
  countsEach: boolean,
  onEach: () => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < sha256s.length) {
      const sha256 = sha256s[next++];
      try {
        if (!(await to.stat(sha256))) {
          result.bytes += await copyBlob(from, to, sha256, spoolDir);
          result.copied++;
          if (!countsEach) result.blobs++;
        }
      } catch (error) {
        if (error instanceof BlobCorruptError) result.corrupt.push(sha256);
        // Deleted meanwhile (retention, say) is fine; still named by a row is not.
        else if (error instanceof BlobNotFoundError) {
          if (await isNamed(pool, sha256)) result.missing.push(sha256);
        } else throw error;
      }
      if (countsEach) result.blobs++;
      onEach();
    }
  };
  await Promise.all(Array.from({ length: COPIES_AT_ONCE }, worker));
}

interface MigrationState {
  target: StoreRecord;
  after: string;
  startedAt: string;
}

async function startOrResume(pool: pg.Pool, target: StoreRecord): Promise<MigrationState> {
  const { rows } = await pool.query<{ value: MigrationState }>("SELECT value FROM settings WHERE key = $1", [MIGRATION_SETTING]);
  const saved = rows[0]?.value;
  if (saved && saved.target.identity === target.identity) return saved;
  const fresh = { target, after: "", startedAt: new Date().toISOString() };
  await saveState(pool, fresh);
  return fresh;
}

async function saveState(pool: pg.Pool, state: MigrationState): Promise<void> {
  await pool.query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()", [
    MIGRATION_SETTING,
    JSON.stringify(state),
  ]);
}

/** Distinct SHA-256s the rows name (up to and including `upTo`, when given: the pass goes in this order). */
async function countNamed(pool: pg.Pool, upTo?: string): Promise<number> {
  const { rows } = await pool.query<{ count: string }>("SELECT count(DISTINCT sha256) AS count FROM blobs WHERE $1::text IS NULL OR sha256 <= $1", [
    upTo ?? null,
  ]);
  return Number(rows[0].count);
}

async function namedPage(pool: pg.Pool, after: string, pageSize: number): Promise<string[]> {
  const { rows } = await pool.query<{ sha256: string }>("SELECT DISTINCT sha256 FROM blobs WHERE sha256 > $1 ORDER BY sha256 LIMIT $2", [after, pageSize]);
  return rows.map((row) => row.sha256);
}

async function namedSince(client: pg.Pool | pg.ClientBase, since: Date): Promise<string[]> {
  const { rows } = await client.query<{ sha256: string }>("SELECT DISTINCT sha256 FROM blobs WHERE created_at >= $1", [since]);
  return rows.map((row) => row.sha256);
}

async function isNamed(pool: pg.Pool, sha256: string): Promise<boolean> {
  const { rows } = await pool.query("SELECT 1 FROM blobs WHERE sha256 = $1 LIMIT 1", [sha256]);
  return rows.length > 0;
}
