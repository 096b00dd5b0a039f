import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import busboy from "busboy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildForwardRequest } from "@/lib/forwarding/build-forward-request.ts";
import { sendForward } from "@/lib/forwarding/send-forward.ts";
import type { BlobStore } from "@/lib/storage/blob-store.ts";
import { createFilesystemStore } from "@/lib/storage/filesystem-store.ts";

// A 30 MB MaskIt image forwarded from a real filesystem blob store to a real HTTP destination on
// loopback: the request body is a stream from the store (not a buffer), the destination parses
// it as it arrives (busboy, no buffering on its side either) and gets the exact bytes, and the
// Standard Webhooks signature covers exactly what was sent. Halfway through the transfer the
// memory still in use is measured (after a full collection): a body built in memory would
// hold the whole image then.

const IMAGE_BYTES = 30 * 1024 * 1024;
const SECRET = `whsec_${Buffer.alloc(32, 3).toString("base64")}`;
let directory: string;
let store: BlobStore;
let image: { sha256: string; size: number };

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-large-"));
  store = createFilesystemStore({ directory });
  await store.open();
  // Made a megabyte at a time, so that this process never holds the image (the measurement
  // below is of the forwarding's memory): a JPEG's first bytes, then varied filler.
  const hash = createHash("sha256");
  for await (const chunk of imageChunks()) hash.update(chunk);
  image = { sha256: hash.digest("hex"), size: IMAGE_BYTES };
  await store.put([{ sha256: image.sha256, body: { size: IMAGE_BYTES, chunks: () => imageChunks(), filePath: () => undefined } }]);
});

afterAll(async () => {
  await store?.close();
  await rm(directory, { recursive: true, force: true });
});

describe("forwarding a large image", () => {
  it("streams it from the blob store into the request, intact and signed", { timeout: 120_000 }, async () => {
    const destination = await startHashingDestination();
    try {
      const delivery = {
        id: "0d6f4b8e-1c2a-4f6e-9b3d-5a7c8e9f0a1b",
        kind: "maskit" as const,
        headers: { "user-agent": "MaskIt/2.1" },
        contentType: null,
        metadata: "frame 9 ✓",
        fileName: "big.jpg",
        blobSha256: image.sha256,
        blobSize: image.size,
        imageMimeType: "image/jpeg",
      };
      const request = await buildForwardRequest(store, delivery, destination.url, SECRET);
      const result = await sendForward(request, { timeoutMs: 60_000, allowPrivate: true });
      const halfwayMb = (await destination.halfway) / 1024 / 1024;
      console.log(
        `large image: ${(request.body.length / 1024 / 1024).toFixed(1)} MB sent; halfway through, ${halfwayMb.toFixed(1)} MB of Buffer memory in use in this process`,
      );
      // In memory, the body alone would be the whole image (30 MB), the blob read another copy.
      expect(halfwayMb).toBeLessThan(IMAGE_BYTES / 1024 / 1024);
      expect(Buffer.isBuffer(request.body)).toBe(false);
      expect(request.body.length).toBeGreaterThan(IMAGE_BYTES);
      expect(result).toMatchObject({ httpStatus: 200, error: null });

      const received = await destination.received;
      expect(received.bodyBytes).toBe(request.body.length);
      expect(received.metadata).toBe("frame 9 ✓");
      expect(received.file).toEqual({ filename: "big.jpg", mimeType: "image/jpeg", size: IMAGE_BYTES, sha256: image.sha256 });
      // Standard Webhooks: HMAC-SHA256 over "id.timestamp.body", the body as it arrived.
      const given = Buffer.from(String(received.headers["webhook-signature"]).replace(/^v1,/, ""), "base64");
      expect(received.headers["webhook-id"]).toBe(delivery.id);
      expect(timingSafeEqual(given, received.mac)).toBe(true);
      expect(received.headers["content-length"]).toBe(String(request.body.length));
    } finally {
      await destination.close();
    }
  });
});

async function* imageChunks(): AsyncGenerator<Buffer> {
  const MB = 1024 * 1024;
  for (let index = 0; index < IMAGE_BYTES / MB; index++) {
    const chunk = Buffer.alloc(MB, createHash("sha256").update(`chunk ${index}`).digest());
    if (index === 0) chunk.set([0xff, 0xd8, 0xff, 0xe0]);
    yield chunk;
  }
}

v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;

/**
 * Buffers and ArrayBuffers still referenced: where an image held in memory would show. V8 frees
 * the bytes of collected buffers a moment after a collection, so it collects, waits, collects.
 */
async function liveBufferMemory(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const usage = process.memoryUsage();
  return usage.external + usage.arrayBuffers;
}

/**
 * Parses each request as it streams in, keeping only hashes: the image's SHA-256 and the
 * Standard Webhooks HMAC over "id.timestamp." and the raw body (so it adds nothing to memory).
 */
async function startHashingDestination() {
  let reportHalfway!: (bytes: number) => void;
  const halfway = new Promise<number>((settle) => (reportHalfway = settle));
  let isHalfway = false;
  let resolve!: (value: {
    headers: http.IncomingHttpHeaders;
    metadata: string;
    file: { filename: string; mimeType: string; size: number; sha256: string };
    bodyBytes: number;
    mac: Buffer;
  }) => void;
  const received = new Promise<Parameters<typeof resolve>[0]>((settle) => (resolve = settle));
  const server = http.createServer((request, response) => {
    const parser = busboy({ headers: request.headers, defParamCharset: "utf8", limits: { fileSize: Infinity } });
    const mac = createHmac("sha256", Buffer.alloc(32, 3)).update(`${request.headers["webhook-id"]}.${request.headers["webhook-timestamp"]}.`);
    let bodyBytes = 0;
    let metadata = "";
    let file = { filename: "", mimeType: "", size: 0, sha256: "" };
    request.on("data", (chunk: Buffer) => {
      bodyBytes += chunk.length;
      mac.update(chunk);
      // Halfway through, with the sender still sending: how much memory is in use now.
      if (!isHalfway && bodyBytes > IMAGE_BYTES / 2) {
        isHalfway = true;
        request.pause(); // the sender waits meanwhile (backpressure)
        void liveBufferMemory().then((bytes) => {
          reportHalfway(bytes);
          request.resume();
        });
      }
    });
    parser.on("field", (name, value) => name === "metadata" && (metadata = value));
    parser.on("file", (_name, stream, info) => {
      const hash = createHash("sha256");
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
      });
      stream.on("end", () => (file = { filename: info.filename ?? "", mimeType: info.mimeType, size, sha256: hash.digest("hex") }));
    });
    parser.on("close", () => {
      response.end("ok");
      resolve({ headers: request.headers, metadata, file, bodyBytes, mac: mac.digest() });
    });
    request.pipe(parser);
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    halfway,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}
