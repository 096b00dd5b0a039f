import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { accept, type SchemeOptions, type SignedRequest } from "../scheme.ts";
import { contextAt, secretCredential } from "../common/test-credentials.ts";
import { hmacScheme as scheme } from "./scheme.ts";
import { signHmacDelivery } from "./sign.ts";

// Conformance: every digest here is computed by `openssl dgst -hmac` (spawned) or is a fixed
// vector from RFC 4231 (HMAC-SHA-2) and RFC 2202 (HMAC-SHA-1); none by this module.

const NOW = 1_764_670_000;
const SECRET = "generic-hmac-secret-42";
const BODY = Buffer.from('{"event":"order.created","order":{"id":"ord_17"}}');

function openssl(algorithm: string, key: string, data: Buffer): Buffer {
  const result = spawnSync("openssl", ["dgst", `-${algorithm}`, "-hmac", key, "-binary"], { input: data });
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr.toString()}`);
  return result.stdout;
}

function options(input: Record<string, unknown>): SchemeOptions {
  return scheme.parseOptions(input);
}

function request(headers: Record<string, string>, body = BODY): SignedRequest {
  return { headers: new Headers(headers), body };
}

const active = secretCredential("shared", SECRET);

describe("hmac: accepting what openssl computes", () => {
  for (const algorithm of ["sha256", "sha384", "sha512", "sha1"] as const) {
    for (const encoding of ["hex", "base64"] as const) {
      it(`accepts HMAC-${algorithm.toUpperCase()} in ${encoding}`, () => {
        const config = options({ header: "X-Signature", algorithm, encoding });
        const digest = openssl(algorithm, SECRET, BODY).toString(encoding);
        expect(accept(scheme, request({ "x-signature": digest }), [active], contextAt(NOW, config))).toMatchObject({
          accepted: true,
          credential: { label: "shared" },
        });
        expect(accept(scheme, request({ "x-signature": digest }, Buffer.concat([BODY, Buffer.from(" ")])), [active], contextAt(NOW, config))).toMatchObject({
          code: "no_match",
        });
      });
    }
  }

  it("accepts a prefixed signature (sha256=...), the prefix in any case", () => {
    const config = options({ header: "X-Hook-Signature", prefix: "sha256=" });
    const digest = openssl("sha256", SECRET, BODY).toString("hex");
    expect(accept(scheme, request({ "x-hook-signature": `sha256=${digest}` }), [active], contextAt(NOW, config)).accepted).toBe(true);
    expect(accept(scheme, request({ "x-hook-signature": `SHA256=${digest.toUpperCase()}` }), [active], contextAt(NOW, config)).accepted).toBe(true);
    expect(scheme.begin(new Headers({ "x-hook-signature": digest }), [active], contextAt(NOW, config))).toMatchObject({ code: "malformed_header" });
  });

  it("accepts timestamp.body signatures with the timestamp in its header, within the tolerance", () => {
    const config = options({ header: "X-Signature", signedString: "timestamp.body", timestampHeader: "X-Timestamp", toleranceSeconds: 60 });
    const signed = (timestamp: number) =>
      request({
        "x-signature": openssl("sha256", SECRET, Buffer.concat([Buffer.from(`${timestamp}.`), BODY])).toString("hex"),
        "x-timestamp": String(timestamp),
      });
    expect(accept(scheme, signed(NOW - 30), [active], contextAt(NOW, config)).accepted).toBe(true);
    expect(scheme.begin(signed(NOW - 61).headers, [active], contextAt(NOW, config))).toMatchObject({ code: "timestamp_out_of_tolerance" });
    expect(scheme.begin(new Headers({ "x-signature": "00".repeat(32) }), [active], contextAt(NOW, config))).toMatchObject({ code: "missing_header" });
    expect(scheme.begin(new Headers({ "x-signature": "00".repeat(32), "x-timestamp": "soon" }), [active], contextAt(NOW, config))).toMatchObject({
      code: "malformed_header",
    });
  });

  it("accepts the RFC 4231 and RFC 2202 test case 2 vectors (key “Jefe”)", () => {
    const body = Buffer.from("what do ya want for nothing?");
    const vectors = {
      sha256: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      sha384: "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
      sha512: "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
      sha1: "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
    };
    for (const [algorithm, digest] of Object.entries(vectors)) {
      const config = options({ header: "X-Mac", algorithm });
      expect(accept(scheme, request({ "x-mac": digest }, body), [secretCredential("jefe", "Jefe")], contextAt(NOW, config)).accepted).toBe(true);
    }
  });

  it("streams the body, compares against every secret, and names the rotated one", () => {
    const config = options({ header: "X-Signature" });
    const digest = openssl("sha256", "the-new-secret-99", BODY).toString("hex");
    const verifier = scheme.begin(new Headers({ "x-signature": digest }), [active, secretCredential("new", "the-new-secret-99")], contextAt(NOW, config));
    if ("accepted" in verifier) throw new Error(verifier.message);
    for (let at = 0; at < BODY.length; at += 3) verifier.update(BODY.subarray(at, at + 3));
    expect(verifier.finish()).toMatchObject({ accepted: true, credential: { label: "new" } });
  });

  it("refuses a missing header, a digest of the wrong size, no active secret", () => {
    const config = options({ header: "X-Signature" });
    expect(scheme.begin(new Headers(), [active], contextAt(NOW, config))).toMatchObject({ code: "missing_header" });
    expect(scheme.begin(new Headers({ "x-signature": "ab".repeat(20) }), [active], contextAt(NOW, config))).toMatchObject({ code: "malformed_header" });
    expect(scheme.begin(new Headers({ "x-signature": "ab".repeat(32) }), [secretCredential("old", SECRET, "revoked")], contextAt(NOW, config))).toMatchObject({
      code: "no_credentials",
    });
  });
});

describe("hmac: options and dedupe", () => {
  it("fills defaults and refuses bad options by name", () => {
    expect(scheme.parseOptions({ header: "X-Sig" })).toEqual({
      header: "x-sig",
      algorithm: "sha256",
      encoding: "hex",
      prefix: "",
      signedString: "body",
      toleranceSeconds: 300,
    });
    expect(() => scheme.parseOptions(undefined)).toThrow(/at least header/);
    expect(() => scheme.parseOptions({ header: "X Sig" })).toThrow(/header must be a header name/);
    expect(() => scheme.parseOptions({ header: "X-Sig", algorithm: "md5" })).toThrow(/algorithm must be/);
    expect(() => scheme.parseOptions({ header: "X-Sig", encoding: "base32" })).toThrow(/encoding must be/);
    expect(() => scheme.parseOptions({ header: "X-Sig", signedString: "timestamp.body" })).toThrow(/timestampHeader is required/);
    expect(() => scheme.parseOptions({ header: "X-Sig", dedupeHeader: "X-Id", dedupeJsonField: "id" })).toThrow(/not both/);
    expect(() => scheme.parseOptions({ header: "X-Sig", secret: "x" })).toThrow(/no option "secret"/);
  });

  it("deduplicates on a configured JSON field or header, or not at all", () => {
    const json = JSON.parse(BODY.toString());
    expect(scheme.dedupeKey(new Headers(), json, options({ header: "X-Sig", dedupeJsonField: "order.id" }))).toBe("ord_17");
    expect(scheme.dedupeKey(new Headers(), json, options({ header: "X-Sig", dedupeJsonField: "order.missing" }))).toBeNull();
    expect(scheme.dedupeKey(new Headers({ "x-request-id": "r-1" }), json, options({ header: "X-Sig", dedupeHeader: "X-Request-Id" }))).toBe("r-1");
    expect(scheme.dedupeKey(new Headers({ "x-request-id": "r-1" }), json, options({ header: "X-Sig" }))).toBeNull();
  });

  it("signs deliveries as openssl computes them", () => {
    const config = { header: "X-Sig", algorithm: "sha512", encoding: "base64", prefix: "v1=", signedString: "timestamp.body", timestampHeader: "X-Ts" };
    const headers = signHmacDelivery(BODY, SECRET, config, NOW);
    expect(headers).toEqual({
      "x-ts": String(NOW),
      "x-sig": `v1=${openssl("sha512", SECRET, Buffer.concat([Buffer.from(`${NOW}.`), BODY])).toString("base64")}`,
    });
  });
});
