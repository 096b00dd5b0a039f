import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { BlobCorruptError, type BlobStore, type ByteRange } from "./blob-store.ts";

// Reading blobs back, never trusting the store: bytes that do not hash to their name (a
// corrupted disk, a tampered file or object) are refused with BlobCorruptError rather than
// served as the image they claim to be. A small blob is read once, checked and then handed out;
// a large one, or a range of one, is checked by a first pass over the whole blob (a recent
// check is remembered for a minute, so a video-style run of range requests pays once).

const WHOLE_READ_LIMIT = 8 * 1024 * 1024;
const CHECK_MEMORY_MS = 60_000;
const recentlyChecked = new Map<string, number>();

/** The whole blob in memory, checked. */
export async function readBlobBuffer(store: BlobStore, sha256: string): Promise<Buffer> {
  const bytes = store.getBuffer ? await store.getBuffer(sha256) : await readChunks(store, sha256);
  assertHash(sha256, createHash("sha256").update(bytes).digest("hex"));
  return bytes;
}

async function readChunks(store: BlobStore, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(sha256)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export type BlobContent = { kind: "buffer"; bytes: Buffer } | { kind: "stream"; stream: Readable };

/** The blob, or the range of it, checked before a byte is handed out. `size` is the size its row records. */
export async function openCheckedBlob(store: BlobStore, sha256: string, size: number, range?: ByteRange): Promise<BlobContent> {
  if (!range && size <= WHOLE_READ_LIMIT) return { kind: "buffer", bytes: await readBlobBuffer(store, sha256) };
  if (!isRecentlyChecked(sha256)) {
    const hash = createHash("sha256");
    for await (const chunk of await store.get(sha256)) hash.update(chunk as Buffer);
    assertHash(sha256, hash.digest("hex"));
    remember(sha256);
  }
  return { kind: "stream", stream: await store.get(sha256, range) };
}

function assertHash(sha256: string, actual: string): void {
  if (actual !== sha256) {
    recentlyChecked.delete(sha256);
    throw new BlobCorruptError(sha256, actual);
  }
}

function isRecentlyChecked(sha256: string): boolean {
  const at = recentlyChecked.get(sha256);
  return at !== undefined && Date.now() - at < CHECK_MEMORY_MS;
}

function remember(sha256: string): void {
  if (recentlyChecked.size >= 1000) recentlyChecked.delete(recentlyChecked.keys().next().value!);
  recentlyChecked.set(sha256, Date.now());
}
