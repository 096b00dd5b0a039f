import { createHmac, timingSafeEqual, type Hmac } from "node:crypto";
import { SignatureError, type CredentialRef, type SignatureMatch } from "./types.ts";

// MaskIt: X-Signature is the hex HMAC-SHA256 of the raw request body under a shared secret.
// The body arrives as a stream, so the verifier is fed chunk by chunk alongside the parser and
// decides once the last byte is in. Hex case is not significant; anything else is.

export const MASKIT_SIGNATURE_HEADER = "x-signature";

export interface MaskitSecret extends CredentialRef {
  secret: Buffer;
}

export interface MaskitVerifier {
  update(chunk: Buffer): void;
  /** Throws SignatureError unless `signatureHeader` matches one of the secrets. */
  verify(signatureHeader: string | null): SignatureMatch;
}

export function createMaskitVerifier(secrets: readonly MaskitSecret[]): MaskitVerifier {
  const macs: Array<{ credential: CredentialRef; hmac: Hmac }> = secrets.map(({ secret, ...credential }) => ({
    credential,
    hmac: createHmac("sha256", secret),
  }));
  let isFinished = false;
  return {
    update(chunk) {
      for (const { hmac } of macs) hmac.update(chunk);
    },
    verify(signatureHeader) {
      if (isFinished) throw new Error("MaskitVerifier.verify called twice");
      isFinished = true;
      const digests = macs.map(({ credential, hmac }) => ({ credential, digest: hmac.digest() }));
      const received = decodeSignatureHeader(signatureHeader);
      if (digests.length === 0) throw new SignatureError("no_credentials", "the source has no active secret");
      // Compare against every secret, so the time taken does not reveal which one came close.
      let match: CredentialRef | undefined;
      for (const { credential, digest } of digests) {
        if (timingSafeEqual(digest, received) && !match) match = credential;
      }
      if (!match) throw new SignatureError("no_match", `X-Signature matches none of the ${digests.length} active secret(s)`);
      return { credential: match };
    },
  };
}

/** One-shot form for bodies already in memory (re-verification, tests). */
export function verifyMaskitSignature(body: Buffer, signatureHeader: string | null, secrets: readonly MaskitSecret[]): SignatureMatch {
  const verifier = createMaskitVerifier(secrets);
  verifier.update(body);
  return verifier.verify(signatureHeader);
}

export function signMaskitBody(body: Buffer, secret: Buffer | string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

function decodeSignatureHeader(header: string | null): Buffer {
  const value = header?.trim();
  if (!value) throw new SignatureError("missing_header", "X-Signature header is missing");
  if (!HEX_SHA256.test(value)) {
    throw new SignatureError("malformed_header", "X-Signature is not 64 hexadecimal characters (HMAC-SHA256 in hex)");
  }
  return Buffer.from(value, "hex");
}
