import type { Readable } from "node:stream";

// Where bytes live: images, their renditions (thumbnails, display size), quarantined raw bodies
// and the raw bodies of JSON deliveries. Every blob is addressed by the lowercase hex SHA-256
// of its bytes, so one copy serves however many rows reference it. PostgreSQL keeps the rows
// that say which blobs exist and who references them (lib/storage/blob-rows.ts); a store only
// keeps bytes. Three drivers implement this: filesystem, s3 and postgres (one file each).
// The interface has no notion of a transaction: the durability order (bytes durable before the
// commit that references them, rows deleted before the bytes) is kept by the callers.

export type BlobDriver = "filesystem" | "s3" | "postgres";
export const BLOB_DRIVERS: readonly BlobDriver[] = ["filesystem", "s3", "postgres"];

/** What a blob is written from: a Spool (lib/ingest/spool.ts) satisfies it, and so does bufferBody(). */
export interface BlobBody {
  readonly size: number;
  /** The content in order, in pieces of at most `chunkSize` bytes. */
  chunks(chunkSize: number): AsyncIterable<Buffer>;
  /** The backing file, when the content is in one (a driver may copy or link it rather than stream it). */
  filePath(): string | undefined;
}

export interface BlobToPut {
  sha256: string;
  body: BlobBody;
}

/** Inclusive byte offsets, as in an HTTP Range header: { start: 0, end: 0 } is the first byte. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStat {
  size: number;
  /** When the bytes were written: the orphan sweep leaves young blobs alone. */
  modifiedAt: Date;
}

export interface ListedBlob extends BlobStat {
  sha256: string;
}

export interface BlobStore {
  readonly driver: BlobDriver;
  /**
   * Which store this is, as the database records it: the bucket and endpoint for s3, the id in
   * the folder's marker file for filesystem (written on first use), "database" for postgres.
   * Also checks that the store can be used (writable folder, bucket reachable with these
   * credentials), throwing BlobStoreConfigError naming the setting when it cannot.
   */
  open(): Promise<string>;
  /**
   * Writes blobs under their SHA-256; resolves once every one of them is durable (synced to
   * disk, the PUT answered, the row committed). Idempotent: a blob already there is left as it
   * is. A batch pays for its syncs together. Throws StorageUnavailableError when the store
   * cannot take writes (disk full, unreachable), leaving no temporary file behind.
   */
  put(blobs: BlobToPut[]): Promise<void>;
  /** The bytes, or the inclusive range of them; BlobNotFoundError when there is no such blob. */
  get(sha256: string, range?: ByteRange): Promise<Readable>;
  /**
   * The whole blob in one buffer, where the driver has a cheaper way than `get` and joining its
   * chunks (the filesystem: one read of the file). Optional: readBlobBuffer falls back on `get`.
   */
  getBuffer?(sha256: string): Promise<Buffer>;
  /** Size and time written, or null when there is no such blob. */
  stat(sha256: string): Promise<BlobStat | null>;
  /** Removes the blob; no error when it is not there. */
  delete(sha256: string): Promise<void>;
  /** Every blob in the store, in no particular order (for the sweep, `blobs check` and `blobs migrate`). */
  list(): AsyncIterable<ListedBlob>;
  close(): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly sha256: string) {
    super(`blob ${sha256} is not in the store`);
    this.name = "BlobNotFoundError";
  }
}

/** The bytes read back do not hash to the name they are stored under. */
export class BlobCorruptError extends Error {
  constructor(
    readonly sha256: string,
    readonly actualSha256: string,
  ) {
    super(`blob ${sha256} is corrupt: its bytes hash to ${actualSha256}`);
    this.name = "BlobCorruptError";
  }
}

/** A store that cannot be used as configured; the message names the setting to fix. */
export class BlobStoreConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BlobStoreConfigError";
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Drivers build paths and keys from the name: anything but a SHA-256 is refused first. */
export function assertSha256(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 blob name: ${JSON.stringify(sha256)}`);
}

/** A BlobBody over bytes already in memory (thumbnails, renditions, tests). */
export function bufferBody(bytes: Buffer): BlobBody {
  return {
    size: bytes.length,
    async *chunks(chunkSize: number) {
      for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
    },
    filePath: () => undefined,
  };
}
