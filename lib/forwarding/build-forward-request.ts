import { isUtf8 } from "node:buffer";
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { closingDelimiter, partHead, randomBoundary } from "../senders/multipart-body.ts";
import type { BlobStore } from "../storage/blob-store.ts";
import { readBlobBuffer } from "../storage/read-blob.ts";
import type { BufferedParts, ForwardRequest } from "./send-forward.ts";
import { streamMaskitMultipart } from "./streamed-multipart.ts";

// What a destination receives: the delivery in its provider's own shape, rebuilt from what is
// stored (Eden AI: the JSON bytes as received; MaskIt: a multipart body with the same
// `metadata` and `maskedImage` parts, the image's stored bytes), the provider's headers minus
// hop-by-hop ones and credentials, and Standard Webhooks headers signed with the destination's
// secret (`webhook-id` = the delivery id, the same on every retry and replay). An image larger
// than STREAM_ABOVE_BYTES is streamed from the store into the request (./streamed-multipart.ts)
// rather than read into memory: a few concurrent 60 MB forwards would otherwise cost hundreds of MB.

const STREAM_ABOVE_BYTES = 1024 * 1024;

/** Not forwarded: hop-by-hop (RFC 9110 §7.6.1), set by us for the new body, or credentials meant for us. */
const DROPPED_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "expect",
  "content-length",
  "content-type",
  "content-encoding",
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "x-signature",
  "x-edenai-signature",
  "x-edenai-signautre",
  "x-edenai-hash-algorithm",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
]);

export interface StoredDelivery {
  id: string;
  kind: "maskit" | "edenai";
  headers: Record<string, string>;
  contentType: string | null;
  metadata: string | null;
  fileName: string | null;
  /** MaskIt: the image; Eden AI: the raw body. */
  blobSha256: string;
  /** The blob's size as its row records it; unknown (or small) bodies are built in memory. */
  blobSize?: number | null;
  imageMimeType: string | null;
}

export async function buildForwardRequest(store: BlobStore, delivery: StoredDelivery, url: string, secret: string, now = new Date()): Promise<ForwardRequest> {
  if (delivery.kind === "maskit" && (delivery.blobSize ?? 0) > STREAM_ABOVE_BYTES) {
    const image = {
      metadata: delivery.metadata ?? "",
      fileName: delivery.fileName ?? "image",
      mimeType: delivery.imageMimeType ?? "application/octet-stream",
      sha256: delivery.blobSha256,
    };
    const streamed = await streamMaskitMultipart(store, image, signingKey(secret), `${delivery.id}.${unixSeconds(now)}.`);
    return { url, headers: forwardHeaders(delivery, streamed.contentType, now, `v1,${streamed.mac}`), body: streamed.body };
  }
  return buildFromBytes(delivery, await readBlobBuffer(store, delivery.blobSha256), url, secret, now);
}

/**
 * The same request from bytes already in memory: the raw body (Eden AI) or the image (MaskIt),
 * as the receiver still holds them when it hands a forward off (./hand-off.ts).
 */
export function buildFromBytes(
  delivery: Omit<StoredDelivery, "blobSha256" | "blobSize">,
  bytes: Buffer,
  url: string,
  secret: string,
  now = new Date(),
): ForwardRequest {
  if (delivery.kind === "edenai") {
    const contentType = delivery.contentType ?? "application/json";
    return { url, headers: forwardHeaders(delivery, contentType, now, signBody(secret, delivery.id, now, bytes)), body: bytes };
  }
  const multipart = maskitParts(delivery, bytes);
  const mac = createHmac("sha256", signingKey(secret)).update(`${delivery.id}.${unixSeconds(now)}.`);
  for (const part of multipart.parts) mac.update(part);
  return { url, headers: forwardHeaders(delivery, multipart.contentType, now, `v1,${mac.digest("base64")}`), body: multipart };
}

/**
 * The MaskIt body in three parts (what comes before the image, the image, what follows), laid
 * out as lib/senders/multipart-body.ts builds it, but never joined: the image is sent and
 * signed from the buffer it was read into. A binary body, so signed over its exact bytes (see signBody).
 */
function maskitParts(delivery: Omit<StoredDelivery, "blobSha256" | "blobSize">, image: Buffer): BufferedParts & { contentType: string } {
  const metadata = Buffer.from(delivery.metadata ?? "", "utf8");
  let boundary = randomBoundary();
  // Chosen again in the unlikely case it occurs in a part: the receiver would cut the part there.
  while (metadata.includes(`--${boundary}`) || image.includes(`--${boundary}`)) boundary = randomBoundary();
  const head = Buffer.concat([
    partHead({ name: "metadata" }, boundary),
    metadata,
    Buffer.from("\r\n"),
    partHead({ name: "maskedImage", filename: delivery.fileName ?? "image", contentType: delivery.imageMimeType ?? "application/octet-stream" }, boundary),
  ]);
  const tail = Buffer.concat([Buffer.from("\r\n"), closingDelimiter(boundary)]);
  return { parts: [head, image, tail], length: head.length + image.length + tail.length, contentType: `multipart/form-data; boundary=${boundary}` };
}

function forwardHeaders(delivery: Omit<StoredDelivery, "blobSha256" | "blobSize">, contentType: string, now: Date, signature: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(delivery.headers)) {
    if (DROPPED_HEADERS.has(name) || name.startsWith("proxy-") || value === "[redacted]") continue;
    headers[name] = value;
  }
  headers["content-type"] = contentType;
  headers["webhook-id"] = delivery.id;
  headers["webhook-timestamp"] = String(unixSeconds(now));
  headers["webhook-signature"] = signature;
  return headers;
}

/**
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. The standardwebhooks library signs a body
 * given as a string, and turns a Buffer into one as UTF-8, which replaces the invalid bytes of
 * a binary body (a JPEG inside multipart) and would sign something other than what is sent,
 * leaving the image's bytes unauthenticated. So: the library for text bodies (every JSON
 * delivery), and for binary ones the same HMAC over the exact bytes, as the Standard Webhooks
 * spec defines it (what its Go, Rust and Java verifiers check).
 */
function signBody(secret: string, id: string, at: Date, body: Buffer): string {
  if (isUtf8(body)) return new Webhook(secret).sign(id, at, body.toString("utf8"));
  const mac = createHmac("sha256", signingKey(secret))
    .update(`${id}.${unixSeconds(at)}.`)
    .update(body)
    .digest("base64");
  return `v1,${mac}`;
}

function signingKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ""), "base64");
}

function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
