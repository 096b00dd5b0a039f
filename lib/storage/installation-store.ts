import type pg from "pg";
import { BlobStoreConfigError, type BlobDriver, type BlobStore } from "./blob-store.ts";

// One store per installation. The database records which store holds its bytes (the driver and
// the store's identity: the bucket, or the id in the folder's marker file), and an instance
// configured with another store refuses to start: two instances on one database, each with a
// folder of its own, would otherwise each keep half of the images. The first start records the
// store it is given; `blobs migrate` changes the record once every blob is in the new store.

export const BLOB_STORE_SETTING = "blob_store";

export interface StoreRecord {
  driver: BlobDriver;
  identity: string;
}

/** Opens the store, records it if the database has no store yet, and checks it is the recorded one. */
export async function openInstallationStore(pool: pg.Pool, store: BlobStore): Promise<StoreRecord> {
  const mine: StoreRecord = { driver: store.driver, identity: await store.open() };
  await pool.query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [BLOB_STORE_SETTING, JSON.stringify(mine)]);
  const recorded = await readStoreRecord(pool);
  if (!recorded || recorded.driver !== mine.driver || recorded.identity !== mine.identity) {
    throw new BlobStoreConfigError(
      `this database keeps its blobs in the ${recorded?.driver} store ${recorded?.identity}, but this instance is configured with the ${mine.driver} store ${mine.identity}. ` +
        (recorded?.driver === mine.driver
          ? sameDriverAdvice(mine.driver)
          : `Set BLOB_STORE=${recorded?.driver} (with its settings), or move the blobs with: npm run cli -- blobs migrate --to ${mine.driver}`),
    );
  }
  return mine;
}

export async function readStoreRecord(client: pg.Pool | pg.ClientBase): Promise<StoreRecord | null> {
  const { rows } = await client.query<{ value: StoreRecord }>("SELECT value FROM settings WHERE key = $1", [BLOB_STORE_SETTING]);
  return rows[0]?.value ?? null;
}

function sameDriverAdvice(driver: BlobDriver): string {
  if (driver === "filesystem") {
    return "Every instance on one database must use the same BLOB_DIR (a shared volume): point BLOB_DIR at the folder the other instances use.";
  }
  return "Every instance on one database must use the same bucket and prefix: check S3_BUCKET, S3_ENDPOINT and S3_PREFIX.";
}
