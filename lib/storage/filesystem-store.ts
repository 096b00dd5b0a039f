import { randomUUID } from "node:crypto";
import { constants, existsSync } from "node:fs";
import { copyFile, type FileHandle, link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { assertSha256, BlobNotFoundError, BlobStoreConfigError, type BlobBody, type BlobStat, type BlobStore, type ListedBlob } from "./blob-store.ts";
import { StorageUnavailableError } from "./storage-errors.ts";

// BLOB_STORE=filesystem: content-addressed files under BLOB_DIR, fanned out by hash prefix
// (ab/cd/abcd…), so that no folder holds more than a few thousand files. A blob is written to a
// temporary file in its own folder, fdatasynced, renamed into place, and the folder fsynced:
// a crash leaves either the whole blob or a temporary file, never a torn blob under its name.
// One put() of several blobs writes and syncs them all at once and fsyncs each folder once,
// so a group commit pays for its blobs' syncs together.

const MARKER_FILE = ".webhook-inbox-store.json";
const TEMPORARY_PREFIX = ".tmp-";
const SHA256_NAME = /^[0-9a-f]{64}$/;
const WHICH = "the filesystem blob store";
const WRITE_DURABLY = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DSYNC;
/** Small blobs (webhook images) go in one write; large ones in pieces, each synced as written. */
const WRITE_CHUNK_BYTES = 8 * 1024 * 1024;
const MAX_WRITEV_PIECES = 64;

export interface FilesystemStoreOptions {
  directory: string;
}

export function createFilesystemStore({ directory }: FilesystemStoreOptions): BlobStore & { removeStaleTemporaryFiles(olderThan: Date): Promise<number> } {
  const root = path.resolve(directory);
  const blobPath = (sha256: string) => {
    assertSha256(sha256);
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  return {
    driver: "filesystem",

    async open() {
      try {
        await mkdir(root, { recursive: true });
        const probe = path.join(root, `${TEMPORARY_PREFIX}probe-${randomUUID()}`);
        await writeFile(probe, "");
        await rm(probe);
      } catch (error) {
        throw new BlobStoreConfigError(`BLOB_DIR ${root} cannot be written: ${(error as Error).message}`, { cause: error });
      }
      return `filesystem:${await readOrCreateMarker(root)}`;
    },

    async put(blobs) {
      const unique = [...new Map(blobs.map((blob) => [blob.sha256, blob])).values()];
      const temporaries = await settleAll(unique.map((blob) => writeTemporary(blobPath(blob.sha256), blob.body)));
      try {
        await Promise.all(temporaries.map(({ temporary, final }) => rename(temporary, final)));
        // The renames are durable once each folder is synced; many blobs share few folders only
        // when the store is small, so this is one fsync per new blob at most, issued together.
        const folders = new Set(
          temporaries.flatMap(({ final, isNewFolder }) => {
            const folder = path.dirname(final);
            // A new fan-out folder is itself an entry in its parent (and that one in the root).
            return isNewFolder ? [folder, path.dirname(folder), root] : [folder];
          }),
        );
        await Promise.all([...folders].map(syncDirectory));
      } catch (error) {
        await Promise.all(temporaries.map(({ temporary }) => rm(temporary, { force: true })));
        throw unavailable(error);
      }
    },

    async get(sha256, range) {
      const handle = await open(blobPath(sha256), "r").catch((error: NodeJS.ErrnoException) => {
        throw error.code === "ENOENT" ? new BlobNotFoundError(sha256) : unavailable(error);
      });
      return handle.createReadStream({ start: range?.start, end: range?.end, autoClose: true }) as Readable;
    },

    async getBuffer(sha256) {
      return readFile(blobPath(sha256)).catch((error: NodeJS.ErrnoException) => {
        throw error.code === "ENOENT" ? new BlobNotFoundError(sha256) : unavailable(error);
      });
    },

    async stat(sha256) {
      return statBlob(blobPath(sha256));
    },

    async delete(sha256) {
      await unlink(blobPath(sha256)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw unavailable(error);
      });
    },

    async *list() {
      for await (const file of filesUnder(root)) {
        if (!SHA256_NAME.test(file.name)) continue;
        const found = await statBlob(file.path);
        if (found) yield { sha256: file.name, ...found } satisfies ListedBlob;
      }
    },

    /** Temporary files left by a crash mid-write; called by the orphan sweep. */
    async removeStaleTemporaryFiles(olderThan: Date) {
      let removed = 0;
      for await (const file of filesUnder(root)) {
        if (!file.name.startsWith(TEMPORARY_PREFIX)) continue;
        const found = await statBlob(file.path);
        if (found && found.modifiedAt < olderThan) {
          await rm(file.path, { force: true });
          removed++;
        }
      }
      return removed;
    },

    async close() {},
  };
}

interface WrittenTemporary {
  temporary: string;
  final: string;
  isNewFolder: boolean;
}

/**
 * Writes one blob next to its final name and syncs it. No stat first: content addressing makes
 * a blob that is already there the same bytes, and renaming over it is harmless, while a stat
 * and a mkdir per blob were a fifth of put()'s syscalls (bench/blob-put.ts). The folder is made
 * only when the first open finds it missing.
 */
async function writeTemporary(final: string, body: BlobBody): Promise<WrittenTemporary> {
  const folder = path.dirname(final);
  const temporary = path.join(folder, `${TEMPORARY_PREFIX}${randomUUID()}`);
  let isNewFolder = false;
  try {
    try {
      await writeSynced(temporary, body);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      // Made here or by a concurrent put a moment ago: either way its entries in the parent
      // folders are synced by this put too, which must not resolve before they are durable.
      await mkdir(folder, { recursive: true });
      isNewFolder = true;
      await writeSynced(temporary, body);
    }
    return { temporary, final, isNewFolder };
  } catch (error) {
    await rm(temporary, { force: true });
    throw unavailable(error);
  }
}

/** The blob's bytes in a new file at `temporary`, fdatasynced; ENOENT when its folder is missing. */
async function writeSynced(temporary: string, body: BlobBody): Promise<void> {
  const source = body.filePath();
  if (source) {
    // A spooled upload is already in a file: link it (no copy) where it shares the disk, else copy.
    await link(source, temporary).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" && !existsSync(path.dirname(temporary))) throw error;
      return copyFile(source, temporary, constants.COPYFILE_EXCL);
    });
    const handle = await open(temporary, "r+");
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return;
  }
  // O_DSYNC: each write returns once its data is durable, as a write then fdatasync would, in
  // one trip through libuv's pool instead of two (a group commit's batch issues one per blob).
  const handle = await open(temporary, WRITE_DURABLY, 0o640);
  try {
    // A small blob's pieces (a spool keeps them as they arrived) go down in one writev.
    let pieces: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of body.chunks(WRITE_CHUNK_BYTES)) {
      pieces.push(chunk);
      bytes += chunk.length;
      if (bytes >= WRITE_CHUNK_BYTES) {
        await writeAll(handle, pieces);
        [pieces, bytes] = [[], 0];
      }
    }
    if (pieces.length > 0) await writeAll(handle, pieces);
  } finally {
    await handle.close();
  }
}

/**
 * writev may write less than asked (a signal, a full disk mid-way): the rest goes in more calls,
 * or the error. A body that came in many small pieces (a sender trickling bytes) is joined
 * first: each call is synced (O_DSYNC), and one takes at most IOV_MAX pieces.
 */
async function writeAll(handle: FileHandle, pieces: Buffer[]): Promise<void> {
  let left = pieces.length > MAX_WRITEV_PIECES ? [Buffer.concat(pieces)] : pieces;
  while (left.length > 0) {
    const { bytesWritten } = await handle.writev(left);
    left = dropLeading(left, bytesWritten);
  }
}

function dropLeading(pieces: Buffer[], bytes: number): Buffer[] {
  let skip = bytes;
  let index = 0;
  while (index < pieces.length && skip >= pieces[index].length) skip -= pieces[index++].length;
  const rest = pieces.slice(index);
  if (rest.length > 0 && skip > 0) rest[0] = rest[0].subarray(skip);
  return rest;
}

/** Every blob's temporary file, or, when any write failed, none: the written ones are removed. */
async function settleAll(writes: Promise<WrittenTemporary>[]): Promise<WrittenTemporary[]> {
  const settled = await Promise.allSettled(writes);
  const failed = settled.find((outcome) => outcome.status === "rejected");
  if (!failed) return settled.map((outcome) => (outcome as PromiseFulfilledResult<WrittenTemporary>).value);
  await Promise.all(settled.map((outcome) => outcome.status === "fulfilled" && rm(outcome.value.temporary, { force: true })));
  throw failed.reason;
}

async function syncDirectory(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function statBlob(file: string): Promise<BlobStat | null> {
  try {
    const found = await stat(file);
    return { size: found.size, modifiedAt: found.mtime };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw unavailable(error);
  }
}

/** Every file in the fan-out folders (ab/cd/…), one folder read at a time. */
async function* filesUnder(root: string): AsyncGenerator<{ name: string; path: string }> {
  for (const first of await listFolder(root)) {
    for (const second of await listFolder(path.join(root, first))) {
      const folder = path.join(root, first, second);
      for (const name of await listFolder(folder)) yield { name, path: path.join(folder, name) };
    }
  }
}

async function listFolder(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((name) => name !== MARKER_FILE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw unavailable(error);
  }
}

/** The folder's own id, written once: two instances with one database must share one folder. */
async function readOrCreateMarker(root: string): Promise<string> {
  const marker = path.join(root, MARKER_FILE);
  try {
    await writeFile(marker, `${JSON.stringify({ id: randomUUID(), createdAt: new Date().toISOString() })}\n`, { flag: "wx" });
    await syncDirectory(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST")
      throw new BlobStoreConfigError(`BLOB_DIR ${root}: cannot write ${MARKER_FILE}: ${(error as Error).message}`);
  }
  const { id } = JSON.parse(await readFile(marker, "utf8")) as { id?: unknown };
  if (typeof id !== "string" || !id) throw new BlobStoreConfigError(`BLOB_DIR ${root}: ${MARKER_FILE} has no id; restore it from a backup`);
  return id;
}

function unavailable(error: unknown): Error {
  if (error instanceof StorageUnavailableError || error instanceof BlobNotFoundError) return error;
  return new StorageUnavailableError(error, WHICH);
}
