import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { SchemeCredential, SignedRequest } from "../scheme.ts";
import { codesOf } from "../common/expect-findings.ts";
import { contextAt, secretCredential } from "../common/test-credentials.ts";
import { HMAC_FINDINGS } from "./findings.ts";
import { hmacScheme as scheme } from "./scheme.ts";

// Diagnosis of generic HMAC deliveries: each test states the source's options and what the
// sender did instead; the test asserts finding codes.

const NOW = 1_764_670_000;
const SECRET = "generic-hmac-secret-42";
const BODY = Buffer.from('{"event":"order.created"}');

function mac(algorithm: string, data: Buffer | string, secret: string | Buffer = SECRET): Buffer {
  return createHmac(algorithm, secret).update(data).digest();
}

function diagnose(options: Record<string, unknown>, headers: Record<string, string>, credentials: SchemeCredential[] = [secretCredential("shared", SECRET)]) {
  const request: SignedRequest = { headers: new Headers(headers), body: BODY };
  return codesOf(scheme.diagnose(request, credentials, contextAt(NOW, scheme.parseOptions(options))), HMAC_FINDINGS);
}

describe("hmac diagnosis", () => {
  it("says which credential matches; notes a weak SHA-1 source", () => {
    expect(diagnose({ header: "X-Sig" }, { "x-sig": mac("sha256", BODY).toString("hex") })).toEqual(["matches_active"]);
    expect(diagnose({ header: "X-Sig", algorithm: "sha1" }, { "x-sig": mac("sha1", BODY).toString("hex") })).toEqual(["weak_algorithm", "matches_active"]);
  });

  it("finds another algorithm than the configured one", () => {
    expect(diagnose({ header: "X-Sig" }, { "x-sig": mac("sha512", BODY).toString("hex") })).toEqual(["algorithm_mismatch"]);
  });

  it("finds a prefix missing, doubled or unexpected", () => {
    const hex = mac("sha256", BODY).toString("hex");
    expect(diagnose({ header: "X-Sig", prefix: "sha256=" }, { "x-sig": hex })).toEqual(["prefix_missing"]);
    expect(diagnose({ header: "X-Sig", prefix: "sha256=" }, { "x-sig": `sha256=sha256=${hex}` })).toEqual(["prefix_doubled"]);
    expect(diagnose({ header: "X-Sig" }, { "x-sig": `sha256=${hex}` })).toEqual(["prefix_unexpected"]);
  });

  it("finds hex for base64 and base64 for hex", () => {
    const digest = mac("sha256", BODY);
    expect(diagnose({ header: "X-Sig", encoding: "base64" }, { "x-sig": digest.toString("hex") })).toEqual(["signature_hex_not_base64"]);
    expect(diagnose({ header: "X-Sig" }, { "x-sig": digest.toString("base64") })).toEqual(["signature_base64_not_hex"]);
  });

  it("finds the timestamp left out, and clock skew with its seconds", () => {
    const options = { header: "X-Sig", signedString: "timestamp.body", timestampHeader: "X-Ts" };
    expect(diagnose(options, { "x-sig": mac("sha256", BODY).toString("hex"), "x-ts": String(NOW) })).toEqual(["timestamp_not_signed"]);
    const old = NOW - 3600;
    const request: SignedRequest = { headers: new Headers({ "x-sig": mac("sha256", `${old}.${BODY}`).toString("hex"), "x-ts": String(old) }), body: BODY };
    const findings = scheme.diagnose(request, [secretCredential("shared", SECRET)], contextAt(NOW, scheme.parseOptions(options)));
    expect(codesOf(findings, HMAC_FINDINGS)).toEqual(["clock_skew", "matches_active"]);
    expect(findings[0].facts).toMatchObject({ skewSeconds: 3600, direction: "behind" });
  });

  it("finds body variants and whsec_ secret readings under retired credentials too", () => {
    expect(
      diagnose({ header: "X-Sig" }, { "x-sig": mac("sha256", Buffer.concat([BODY, Buffer.from("\n")])).toString("hex") }, [
        secretCredential("old", SECRET, "expired"),
      ]),
    ).toEqual(["trailing_newline_added"]);
    const whsec = `whsec_${Buffer.alloc(32, 3).toString("base64")}`;
    expect(diagnose({ header: "X-Sig" }, { "x-sig": mac("sha256", BODY, Buffer.alloc(32, 3)).toString("hex") }, [secretCredential("w", whsec)])).toEqual([
      "secret_whsec_decoded",
    ]);
  });

  it("says unknown secret and missing header", () => {
    expect(diagnose({ header: "X-Sig" }, { "x-sig": mac("sha256", BODY, "nope-nope-nope").toString("hex") })).toEqual(["unknown_secret"]);
    expect(diagnose({ header: "X-Sig" }, {})).toEqual(["missing_header"]);
  });
});
