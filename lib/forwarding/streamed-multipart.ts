import { createHash, createHmac } from "node:crypto";
import { Readable } from "node:stream";
import { closingDelimiter, partHead, randomBoundary } from "../senders/multipart-body.ts";
import { BlobCorruptError, type BlobStore } from "../storage/blob-store.ts";

// A large MaskIt image forwarded without holding it in memory: the multipart body (the same
// layout as lib/senders/multipart-body.ts builds in memory) is streamed from the blob store into
// the request. A Standard Webhooks signature covers the whole body and goes in a header, before
// the body, so the blob is read twice: a first pass signs it, checks that its bytes still hash
// to its name and that the boundary occurs nowhere in it (else another boundary is chosen),
// the second is what is sent. Memory stays at the store's chunk size, whatever the image.

export interface StreamedBody {
  readonly length: number;
  /** The body's bytes from the start; each call reads the blob again. */
  open(): Promise<Readable>;
}

export interface StreamedMultipart {
  body: StreamedBody;
  contentType: string;
  /** base64 HMAC-SHA256 over `signedPrefix` and the body. */
  mac: string;
}

export interface ImagePart {
  metadata: string;
  fileName: string;
  mimeType: string;
  sha256: string;
}

const MAX_BOUNDARY_TRIES = 3;

export async function streamMaskitMultipart(store: BlobStore, image: ImagePart, hmacKey: Buffer, signedPrefix: string): Promise<StreamedMultipart> {
  for (let tries = 1; ; tries++) {
    const boundary = randomBoundary();
    const marker = Buffer.from(`--${boundary}`);
    const head = Buffer.concat([
      partHead({ name: "metadata" }, boundary),
      Buffer.from(image.metadata, "utf8"),
      Buffer.from("\r\n"),
      partHead({ name: "maskedImage", filename: image.fileName, contentType: image.mimeType }, boundary),
    ]);
    const tail = Buffer.concat([Buffer.from("\r\n"), closingDelimiter(boundary)]);
    const mac = createHmac("sha256", hmacKey).update(signedPrefix).update(head);
    const hash = createHash("sha256");
    let size = 0;
    let isClash = Buffer.from(image.metadata, "utf8").includes(marker);
    // The last bytes of the previous chunk, so that a marker split across two chunks is found.
    let carry: Buffer = Buffer.alloc(0);
    for await (const chunk of await store.get(image.sha256)) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      mac.update(bytes);
      size += bytes.length;
      if (!isClash) {
        const window = carry.length ? Buffer.concat([carry, bytes.subarray(0, marker.length)]) : Buffer.alloc(0);
        isClash = window.includes(marker) || bytes.includes(marker);
        carry = bytes.subarray(Math.max(0, bytes.length - marker.length + 1));
      }
    }
    const actual = hash.digest("hex");
    if (actual !== image.sha256) throw new BlobCorruptError(image.sha256, actual);
    if (isClash && tries < MAX_BOUNDARY_TRIES) continue;
    if (isClash) throw new Error("the multipart boundary kept occurring in the image");
    mac.update(tail);
    return {
      body: { length: head.length + size + tail.length, open: async () => Readable.from(concat(head, await store.get(image.sha256), tail)) },
      contentType: `multipart/form-data; boundary=${boundary}`,
      mac: mac.digest("base64"),
    };
  }
}

async function* concat(head: Buffer, middle: Readable, tail: Buffer): AsyncGenerator<Buffer> {
  yield head;
  for await (const chunk of middle) yield chunk as Buffer;
  yield tail;
}
