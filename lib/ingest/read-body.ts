import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { BodyTooLargeError, ClientAbortedError } from "./errors.ts";
import { Spool } from "./spool.ts";

// The one place a request body is read: each chunk is counted against the limit, hashed, kept
// in a spool, and handed to `onChunk` (a verifier, a parser) before the next one is read.

export interface SpooledBody {
  spool: Spool;
  sha256: string;
  size: number;
}

export interface ReadBodyOptions {
  body: Readable;
  maxBytes: number;
  spoolDir: string;
  onChunk?: (chunk: Buffer) => void | Promise<void>;
}

/** Throws BodyTooLargeError past the limit, ClientAbortedError if the sender goes away. */
export async function readBody({ body, maxBytes, spoolDir, onChunk }: ReadBodyOptions): Promise<SpooledBody> {
  const spool = new Spool(spoolDir);
  const hash = createHash("sha256");
  try {
    for await (const chunk of readChunks(body)) {
      if (spool.size + chunk.length > maxBytes) throw new BodyTooLargeError(maxBytes);
      hash.update(chunk);
      await spool.write(chunk);
      await onChunk?.(chunk);
    }
  } catch (error) {
    await spool.dispose();
    throw error;
  }
  return { spool, sha256: hash.digest("hex"), size: spool.size };
}

/** The body's chunks as Buffers; a connection lost mid-body becomes ClientAbortedError. */
async function* readChunks(body: Readable): AsyncGenerator<Buffer> {
  let received = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      received += buffer.length;
      yield buffer;
    }
  } catch {
    throw new ClientAbortedError(received);
  }
}
