import { createHash } from "node:crypto";
import { Spool } from "../ingest/spool.ts";
import { BlobCorruptError, type BlobStore } from "./blob-store.ts";

// One blob from one store to another, checked on the way: the bytes are spooled (in memory while
// small, else to a temporary file under `spoolDir`) while they are hashed, and put in the
// target only if they hash to their name. Used by `blobs migrate` and `blobs check`.

export async function copyBlob(from: BlobStore, to: BlobStore, sha256: string, spoolDir: string): Promise<number> {
  const spool = new Spool(spoolDir);
  try {
    const hash = createHash("sha256");
    for await (const chunk of await from.get(sha256)) {
      hash.update(chunk as Buffer);
      await spool.write(chunk as Buffer);
    }
    const actual = hash.digest("hex");
    if (actual !== sha256) throw new BlobCorruptError(sha256, actual);
    await to.put([{ sha256, body: spool }]);
    return spool.size;
  } finally {
    await spool.dispose();
  }
}

/** Reads the whole blob and answers the SHA-256 of what was read, and its size. */
export async function hashStoredBlob(store: BlobStore, sha256: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of await store.get(sha256)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}
