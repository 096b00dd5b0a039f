import { getConfig } from "../config.ts";
import { getPool } from "../database/pool.ts";
import { BlobStoreConfigError, type BlobStore } from "./blob-store.ts";
import type { BlobWriter, StorageContext } from "./blob-rows.ts";
import { createFilesystemStore } from "./filesystem-store.ts";
import { openInstallationStore } from "./installation-store.ts";
import { createPostgresStore } from "./postgres-store.ts";

// The blob store this process is configured with (BLOB_STORE and its settings), one per process.
// Kept on globalThis because the app server loads lib/ twice: once for the receiver (tsx) and
// once inside Next's bundle (pages, operator API), and both must use one store.

const globalForStore = globalThis as typeof globalThis & { webhookInboxBlobStore?: Promise<BlobStore>; webhookInboxBlobWriter?: Promise<BlobWriter> };

/**
 * The store, opened and checked against the one the database records (refusing another one):
 * what every reader and writer of blobs uses. Open it at start-up so a wrong setting stops the
 * instance at once; a failed open is tried again on the next call.
 */
export function getBlobWriter(): Promise<BlobWriter> {
  globalForStore.webhookInboxBlobWriter ??= (async () => {
    const store = await getBlobStore();
    return { store, record: await openInstallationStore(getPool(), store) };
  })().catch((error: unknown) => {
    globalForStore.webhookInboxBlobWriter = undefined;
    throw error;
  });
  return globalForStore.webhookInboxBlobWriter;
}

export function getBlobStore(): Promise<BlobStore> {
  globalForStore.webhookInboxBlobStore ??= createConfiguredStore();
  return globalForStore.webhookInboxBlobStore;
}

/** A store of the given kind with this process's settings (`blobs migrate` opens a second one). */
export async function createConfiguredStore(driver = getConfig().BLOB_STORE): Promise<BlobStore> {
  const config = getConfig();
  if (driver === "filesystem") return createFilesystemStore({ directory: config.blobDir });
  if (driver === "postgres") return createPostgresStore(getPool());
  // Loaded only when used: the AWS SDK is large, and most installations keep blobs on disk.
  const { createS3Store } = await import("./s3-store.ts");
  if (!config.S3_BUCKET) throw new BlobStoreConfigError("BLOB_STORE=s3 needs S3_BUCKET (and S3_ENDPOINT for a store other than AWS S3)");
  return createS3Store({
    bucket: config.S3_BUCKET,
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    prefix: config.S3_PREFIX,
  });
}

export async function closeBlobStore(): Promise<void> {
  const store = globalForStore.webhookInboxBlobStore;
  globalForStore.webhookInboxBlobStore = undefined;
  globalForStore.webhookInboxBlobWriter = undefined;
  if (store) await (await store.catch(() => null))?.close();
}

/** Rows and bytes together, as this process is configured: what readers and writers are handed. */
export async function getStorage(): Promise<StorageContext> {
  return { pool: getPool(), blobs: await getBlobWriter() };
}
