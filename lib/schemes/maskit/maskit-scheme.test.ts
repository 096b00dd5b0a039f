import { describe, expect, it } from "vitest";
import { accept, type SchemeCredential, type Verdict } from "../scheme.ts";
import { maskitScheme } from "./maskit-scheme.ts";
import { signMaskitBody } from "./maskit-signature.ts";

// The MaskIt scheme as the contract states it: hex HMAC-SHA256 of the raw body in X-Signature.

const body = Buffer.from('--b\r\nContent-Disposition: form-data; name="metadata"\r\n\r\nbatch-1\r\n--b--\r\n');
const first = credential("c1", "first", "whsec_first-secret-0123456789");
const second = credential("c2", "second", "whsec_second-secret-9876543210");
const context = { now: new Date(), options: {} };

function credential(id: string, label: string, secret: string, state: SchemeCredential["state"] = "active"): SchemeCredential {
  return { id, label, fingerprint: `fp-${id}`, state, retiredAt: state === "active" ? null : new Date(), secret: Buffer.from(secret) };
}

function verify(bytes: Buffer, signature: string | null, credentials: SchemeCredential[]): Verdict {
  const headers = new Headers(signature === null ? {} : { "x-signature": signature });
  return accept(maskitScheme, { headers, body: bytes }, credentials, context);
}

const matched = (verdict: Verdict) => (verdict.accepted ? verdict.credential.id : `refused: ${verdict.code}`);
const code = (verdict: Verdict) => (verdict.accepted ? "accepted" : verdict.code);

describe("maskit scheme", () => {
  it("verifies a lowercase or uppercase hex signature, surrounding whitespace ignored", () => {
    expect(matched(verify(body, signMaskitBody(body, first.secret!), [first]))).toBe("c1");
    expect(matched(verify(body, signMaskitBody(body, first.secret!).toUpperCase(), [first]))).toBe("c1");
    expect(matched(verify(body, ` ${signMaskitBody(body, first.secret!)} `, [first]))).toBe("c1");
  });

  it("refuses with missing_header when X-Signature is absent or empty, after the body (nothing refused in begin)", () => {
    expect("update" in maskitScheme.begin(new Headers(), [first], context)).toBe(true);
    expect(code(verify(body, null, [first]))).toBe("missing_header");
    expect(code(verify(body, "", [first]))).toBe("missing_header");
  });

  it("refuses with malformed_header for base64 or truncated hex", () => {
    const digest = Buffer.from(signMaskitBody(body, first.secret!), "hex");
    expect(code(verify(body, digest.toString("base64"), [first]))).toBe("malformed_header");
    expect(code(verify(body, digest.toString("hex").slice(0, 63), [first]))).toBe("malformed_header");
  });

  it("refuses with no_match for a wrong secret or one changed byte", () => {
    expect(code(verify(body, signMaskitBody(body, "whsec_wrong"), [first]))).toBe("no_match");
    const tampered = Buffer.from(body);
    tampered[10] ^= 1;
    expect(code(verify(tampered, signMaskitBody(body, first.secret!), [first]))).toBe("no_match");
  });

  it("matches the second active secret during a rotation", () => {
    expect(matched(verify(body, signMaskitBody(body, second.secret!), [first, second]))).toBe("c2");
  });

  it("never verifies with a revoked or expired secret, and says there is no active one", () => {
    const revoked = { ...first, state: "revoked" as const };
    expect(code(verify(body, signMaskitBody(body, first.secret!), [revoked]))).toBe("no_credentials");
    expect(code(verify(body, signMaskitBody(body, first.secret!), []))).toBe("no_credentials");
  });

  it("verifies an empty body, and empty and non-ASCII metadata on the exact bytes", () => {
    expect(matched(verify(Buffer.alloc(0), signMaskitBody(Buffer.alloc(0), first.secret!), [first]))).toBe("c1");
    for (const metadata of ["", "日本語 — ünïcödé 🚀"]) {
      const withMetadata = Buffer.from(`--b\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${metadata}\r\n--b--\r\n`);
      expect(matched(verify(withMetadata, signMaskitBody(withMetadata, first.secret!), [first]))).toBe("c1");
    }
  });

  it("gives the same answer fed in chunks as in one piece", () => {
    const verifier = maskitScheme.begin(new Headers({ "x-signature": signMaskitBody(body, first.secret!) }), [first], context);
    if ("accepted" in verifier) throw new Error("refused before the body");
    for (let offset = 0; offset < body.length; offset += 7) verifier.update(body.subarray(offset, offset + 7));
    expect(matched(verifier.finish())).toBe("c1");
  });

  it("has no dedupe key of its own: a retry is the same body", () => {
    expect(maskitScheme.dedupeKey(new Headers(), undefined, {})).toBeNull();
  });
});
