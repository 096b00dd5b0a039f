import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { BodyTimeoutError, BodyTooLargeError, ClientAbortedError } from "./errors.ts";
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
  /** Give up on a body when no bytes arrive for this long (default: never). */
  idleTimeoutMs?: number;
}

/** Throws BodyTooLargeError past the limit, ClientAbortedError if the sender goes away, BodyTimeoutError if it stalls. */
export async function readBody({ body, maxBytes, spoolDir, onChunk, idleTimeoutMs }: ReadBodyOptions): Promise<SpooledBody> {
  const spool = new Spool(spoolDir);
  const hash = createHash("sha256");
  try {
    for await (const chunk of readChunks(body, idleTimeoutMs)) {
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

/**
 * The body's chunks as Buffers; a connection lost mid-body becomes ClientAbortedError. A sender
 * that keeps the connection open but stops sending would otherwise hold its spool and memory
 * (and the in-flight count) until it pleases: after `idleTimeoutMs` without a byte, the request
 * is destroyed (closing the connection) and BodyTimeoutError thrown.
 */
async function* readChunks(body: Readable, idleTimeoutMs: number | undefined): AsyncGenerator<Buffer> {
  let received = 0;
  let isTimedOut = false;
  const timer = idleTimeoutMs
    ? setTimeout(() => {
        isTimedOut = true;
        body.destroy();
      }, idleTimeoutMs)
    : undefined;
  try {
    for await (const chunk of body) {
      timer?.refresh();
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      received += buffer.length;
      yield buffer;
    }
  } catch {
    if (isTimedOut) throw new BodyTimeoutError(idleTimeoutMs!, received);
    throw new ClientAbortedError(received);
  } finally {
    clearTimeout(timer);
  }
  if (isTimedOut) throw new BodyTimeoutError(idleTimeoutMs!, received);
}
