import { signMaskitBody } from "../schemes/maskit/maskit-signature.ts";
import { lastPartRange, maskitBody } from "./multipart-body.ts";

// One MaskIt delivery as MaskIt sends it: a multipart body with the metadata and the image, and
// X-Signature, the hex HMAC-SHA256 of exactly those bytes under the shared secret.

export interface SignedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

export function signMaskitDelivery(options: {
  image: Buffer;
  mimeType: "image/jpeg" | "image/png";
  fileName: string;
  metadata: string;
  secret: Buffer | string;
  /** Flip one byte of the image after signing, as a corrupting proxy would: expect 401. */
  isTampered?: boolean;
}): SignedRequest {
  const multipart = maskitBody(options.image, options.metadata, { filename: options.fileName, contentType: options.mimeType });
  const signature = signMaskitBody(multipart.body, options.secret);
  if (options.isTampered) {
    // Inside the image, not its headers or the boundary, so that the body still parses and the
    // receiver's answer is about the signature (401), not the framing (400).
    const { start, end } = lastPartRange(multipart, options.image.length);
    multipart.body[start + Math.floor((end - start) / 2)] ^= 0x01;
  }
  return { body: multipart.body, headers: { "content-type": multipart.contentType, "x-signature": signature } };
}
