import type pg from "pg";
import { BlobNotFoundError, type BlobStore } from "./blob-store.ts";
import { hashStoredBlob } from "./copy-blob.ts";

// `blobs check`: every blob the rows name is read back from the store and hashed (missing,
// corrupt: bytes that do not hash to their name, or of another size than the rows record),
// and every blob in the store that no row names is listed (orphaned: left by a crash between
// a put and its commit; the sweep removes those older than an hour).

const PAGE = 500;
const READS_AT_ONCE = 4;

export interface CheckProgress {
  done: number;
  total: number;
  bytes: number;
}

export interface CheckResult {
  checked: number;
  bytes: number;
  missing: string[];
  corrupt: string[];
  orphaned: string[];
}

export async function checkBlobs(pool: pg.Pool, store: BlobStore, onProgress: (progress: CheckProgress) => void = () => {}): Promise<CheckResult> {
  const result: CheckResult = { checked: 0, bytes: 0, missing: [], corrupt: [], orphaned: [] };
  const {
    rows: [{ count }],
  } = await pool.query<{ count: string }>("SELECT count(DISTINCT sha256) AS count FROM blobs");
  const total = Number(count);
  for (let after = ""; ; ) {
    const { rows } = await pool.query<{ sha256: string; byte_size: string }>(
      "SELECT sha256, max(byte_size)::text AS byte_size FROM blobs WHERE sha256 > $1 GROUP BY sha256 ORDER BY sha256 LIMIT $2",
      [after, PAGE],
    );
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const { sha256, byte_size } = rows[next++];
        try {
          const read = await hashStoredBlob(store, sha256);
          if (read.sha256 !== sha256 || read.size !== Number(byte_size)) result.corrupt.push(sha256);
          result.bytes += read.size;
        } catch (error) {
          if (!(error instanceof BlobNotFoundError)) throw error;
          result.missing.push(sha256);
        }
        result.checked++;
        onProgress({ done: result.checked, total, bytes: result.bytes });
      }
    };
    await Promise.all(Array.from({ length: READS_AT_ONCE }, worker));
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.sha256;
  }
  result.orphaned = await findOrphans(pool, store);
  return result;
}

async function findOrphans(pool: pg.Pool, store: BlobStore): Promise<string[]> {
  const orphaned: string[] = [];
  let page: string[] = [];
  const flush = async () => {
    const { rows } = await pool.query<{ sha256: string }>("SELECT DISTINCT sha256 FROM blobs WHERE sha256 = ANY($1::text[])", [page]);
    const named = new Set(rows.map((row) => row.sha256));
    orphaned.push(...page.filter((sha) => !named.has(sha)));
    page = [];
  };
  for await (const blob of store.list()) {
    page.push(blob.sha256);
    if (page.length >= PAGE) await flush();
  }
  if (page.length > 0) await flush();
  return orphaned.sort();
}
