import { describe, expect, it } from "vitest";
import { createMaskitVerifier, signMaskitBody, verifyMaskitSignature, type MaskitSecret } from "./maskit.ts";
import { SignatureError } from "./types.ts";

// The MaskIt scheme as the contract states it: hex HMAC-SHA256 of the raw body in X-Signature.

const body = Buffer.from('--b\r\nContent-Disposition: form-data; name="metadata"\r\n\r\nbatch-1\r\n--b--\r\n');
const first: MaskitSecret = { id: "c1", label: "first", fingerprint: "aaaa", secret: Buffer.from("whsec_first-secret-0123456789") };
const second: MaskitSecret = { id: "c2", label: "second", fingerprint: "bbbb", secret: Buffer.from("whsec_second-secret-9876543210") };

function failure(run: () => unknown): SignatureError {
  try {
    run();
  } catch (error) {
    if (error instanceof SignatureError) return error;
    throw error;
  }
  throw new Error("expected a SignatureError");
}

describe("maskit signatures", () => {
  it("verifies a lowercase hex signature", () => {
    expect(verifyMaskitSignature(body, signMaskitBody(body, first.secret), [first]).credential.id).toBe("c1");
  });

  it("verifies an uppercase hex signature", () => {
    expect(verifyMaskitSignature(body, signMaskitBody(body, first.secret).toUpperCase(), [first]).credential.id).toBe("c1");
  });

  it("tolerates surrounding whitespace in the header", () => {
    expect(verifyMaskitSignature(body, ` ${signMaskitBody(body, first.secret)} `, [first]).credential.id).toBe("c1");
  });

  it("fails with missing_header when X-Signature is absent or empty", () => {
    expect(failure(() => verifyMaskitSignature(body, null, [first])).code).toBe("missing_header");
    expect(failure(() => verifyMaskitSignature(body, "", [first])).code).toBe("missing_header");
  });

  it("fails with malformed_header for base64 or truncated hex", () => {
    const digest = Buffer.from(signMaskitBody(body, first.secret), "hex");
    expect(failure(() => verifyMaskitSignature(body, digest.toString("base64"), [first])).code).toBe("malformed_header");
    expect(failure(() => verifyMaskitSignature(body, digest.toString("hex").slice(0, 63), [first])).code).toBe("malformed_header");
  });

  it("fails with no_match for a wrong secret", () => {
    expect(failure(() => verifyMaskitSignature(body, signMaskitBody(body, "whsec_wrong"), [first])).code).toBe("no_match");
  });

  it("matches the second active secret during a rotation", () => {
    expect(verifyMaskitSignature(body, signMaskitBody(body, second.secret), [first, second]).credential.label).toBe("second");
  });

  it("fails when one byte of the body changed", () => {
    const signature = signMaskitBody(body, first.secret);
    const tampered = Buffer.from(body);
    tampered[10] ^= 1;
    expect(failure(() => verifyMaskitSignature(tampered, signature, [first])).code).toBe("no_match");
  });

  it("verifies an empty body", () => {
    expect(verifyMaskitSignature(Buffer.alloc(0), signMaskitBody(Buffer.alloc(0), first.secret), [first]).credential.id).toBe("c1");
  });

  it("verifies empty and non-ASCII metadata on the exact bytes", () => {
    for (const metadata of ["", "日本語 — ünïcödé 🚀"]) {
      const withMetadata = Buffer.from(`--b\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${metadata}\r\n--b--\r\n`);
      expect(verifyMaskitSignature(withMetadata, signMaskitBody(withMetadata, first.secret), [first]).credential.id).toBe("c1");
    }
  });

  it("gives the same answer fed in chunks as in one piece", () => {
    const verifier = createMaskitVerifier([first]);
    for (let offset = 0; offset < body.length; offset += 7) verifier.update(body.subarray(offset, offset + 7));
    expect(verifier.verify(signMaskitBody(body, first.secret)).credential.id).toBe("c1");
  });

  it("fails with no_credentials when the source has no active secret", () => {
    expect(failure(() => verifyMaskitSignature(body, signMaskitBody(body, first.secret), [])).code).toBe("no_credentials");
  });
});
