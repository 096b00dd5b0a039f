import path from "node:path";
import { getConfig } from "../../lib/config.ts";
import { getPool } from "../../lib/db.ts";
import { BLOB_DRIVERS, type BlobDriver } from "../../lib/storage/blob-store.ts";
import { checkBlobs } from "../../lib/storage/check-blobs.ts";
import { createConfiguredStore, getBlobWriter } from "../../lib/storage/configured-store.ts";
import { readStoreRecord } from "../../lib/storage/installation-store.ts";
import { DEFAULT_PAGE_SIZE, migrateBlobs } from "../../lib/storage/migrate-blobs.ts";
import { progressBar } from "./progress-bar.ts";

// `blobs migrate --to …` and `blobs check` (lib/storage/migrate-blobs.ts, check-blobs.ts).

const LISTED = 20;

export class CommandFailedError extends Error {}

export async function migrateBlobsCommand(to: string | undefined, batch: string | undefined): Promise<void> {
  if (!to || !BLOB_DRIVERS.includes(to as BlobDriver)) throw new CommandFailedError(`--to must be one of ${BLOB_DRIVERS.join(", ")}`);
  const pageSize = batch === undefined ? DEFAULT_PAGE_SIZE : Number(batch);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) throw new CommandFailedError("--batch must be a whole number of blobs from 1 to 10000");
  const pool = getPool();
  const recorded = await readStoreRecord(pool);
  if (!recorded) throw new CommandFailedError("this installation has no blob store yet: start it once with the BLOB_STORE you want");
  if (recorded.driver === to) throw new CommandFailedError(`the installation already keeps its blobs in the ${to} store (${recorded.identity})`);
  const from = await createConfiguredStore(recorded.driver);
  const fromIdentity = await from.open();
  if (fromIdentity !== recorded.identity) {
    throw new CommandFailedError(
      `the blobs are in ${recorded.identity}, but this command's settings point at ${fromIdentity}: run it with the settings the app uses`,
    );
  }
  const target = await createConfiguredStore(to as BlobDriver);
  const bar = progressBar(`copying to ${to}`);
  try {
    const result = await migrateBlobs({
      pool,
      from,
      to: target,
      spoolDir: path.join(getConfig().dataDir, "tmp"),
      pageSize,
      onProgress: ({ phase, done, total, bytes }) =>
        bar.update(done, total, bytes, phase === "copy" ? `copying to ${to}` : phase === "catch-up" ? "catching up" : "switching"),
    });
    bar.finish();
    if (result.missing.length > 0 || result.corrupt.length > 0) {
      listSome("missing from the old store", result.missing);
      listSome("corrupt in the old store (bytes do not match their SHA-256)", result.corrupt);
      throw new CommandFailedError("not switched: every other blob is copied; repair or remove these, then run the command again (it resumes)");
    }
    const resumed = result.resumedAt > 0 ? ` (resumed after ${result.resumedAt} checked by an interrupted run)` : "";
    console.log(`copied ${result.copied} of ${result.blobs} blobs${resumed}; the installation now keeps its blobs in ${result.record.identity}`);
    console.log(`restart every instance with BLOB_STORE=${to} (and its settings); the old store is left as it was`);
  } finally {
    await Promise.all([from.close(), target.close()]);
  }
}

export async function checkBlobsCommand(): Promise<void> {
  const { store, record } = await getBlobWriter();
  const bar = progressBar(`checking ${record.driver}`);
  const result = await checkBlobs(getPool(), store, ({ done, total, bytes }) => bar.update(done, total, bytes));
  bar.finish();
  console.log(
    `checked ${result.checked} blobs in ${record.identity}: ${result.missing.length} missing, ${result.corrupt.length} corrupt, ${result.orphaned.length} orphaned`,
  );
  listSome("missing", result.missing);
  listSome("corrupt (bytes do not match their SHA-256)", result.corrupt);
  listSome("orphaned (no row names them; the sweep removes those older than an hour)", result.orphaned);
  if (result.missing.length > 0 || result.corrupt.length > 0) throw new CommandFailedError("the blob store has problems (see above)");
}

function listSome(title: string, sha256s: string[]): void {
  if (sha256s.length === 0) return;
  console.log(`${title}:`);
  for (const sha of sha256s.slice(0, LISTED)) console.log(`  ${sha}`);
  if (sha256s.length > LISTED) console.log(`  … and ${sha256s.length - LISTED} more`);
}
