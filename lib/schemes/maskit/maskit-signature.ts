import { createHmac, timingSafeEqual, type Hmac } from "node:crypto";
import { activeCredentials, type BodyVerifier, type CredentialRef, type Refusal, type Scheme, type SchemeCredential, type Verdict } from "../scheme.ts";

// MaskIt: X-Signature is the hex HMAC-SHA256 of the raw request body under a shared secret.
// The body arrives as a stream, so the verifier is fed chunk by chunk alongside the multipart
// parser and decides once the last byte is in. Hex case is not significant; anything else is.
// No refusal before the body: a delivery without a signature is still read and quarantined, for
// the inspector (SPEC.md), so the header is checked when the body is in.

export const MASKIT_SIGNATURE_HEADER = "x-signature";
/** The multipart file part MaskIt sends its image in (matched case-insensitively). */
export const MASKIT_IMAGE_PART = "maskedImage";
export const MASKIT_METADATA_PART = "metadata";

/** The scheme's `begin`: there is nothing to refuse before the body, so always a verifier. */
export const beginMaskit: Scheme["begin"] = (headers, credentials) => createVerifier(headers.get(MASKIT_SIGNATURE_HEADER), activeCredentials(credentials));

function createVerifier(signatureHeader: string | null, secrets: readonly SchemeCredential[]): BodyVerifier {
  const macs: Array<{ credential: CredentialRef; hmac: Hmac }> = secrets
    .filter((credential) => credential.secret)
    .map(({ id, label, fingerprint, secret }) => ({ credential: { id, label, fingerprint }, hmac: createHmac("sha256", secret!) }));
  let isFinished = false;
  return {
    update(chunk) {
      for (const { hmac } of macs) hmac.update(chunk);
    },
    finish(): Verdict {
      if (isFinished) throw new Error("the MaskIt verifier was finished twice");
      isFinished = true;
      const digests = macs.map(({ credential, hmac }) => ({ credential, digest: hmac.digest() }));
      const received = decodeSignatureHeader(signatureHeader);
      if (!Buffer.isBuffer(received)) return received;
      if (digests.length === 0) return refusal("no_credentials", "the source has no active secret");
      // Compare against every secret, so the time taken does not reveal which one came close.
      let match: CredentialRef | undefined;
      for (const { credential, digest } of digests) {
        if (timingSafeEqual(digest, received) && !match) match = credential;
      }
      if (!match) return refusal("no_match", `X-Signature matches none of the ${digests.length} active secret(s)`);
      return { accepted: true, credential: match };
    },
  };
}

/** The hex signature MaskIt sends for a body (the sender, tests). */
export function signMaskitBody(body: Buffer, secret: Buffer | string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

function decodeSignatureHeader(header: string | null): Buffer | Refusal {
  const value = header?.trim();
  if (!value) return refusal("missing_header", "X-Signature header is missing");
  if (!HEX_SHA256.test(value)) return refusal("malformed_header", "X-Signature is not 64 hexadecimal characters (HMAC-SHA256 in hex)");
  return Buffer.from(value, "hex");
}

function refusal(code: Refusal["code"], message: string): Refusal {
  return { accepted: false, code, message };
}
