import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { SignedRequest } from "../scheme.ts";
import { codesOf } from "../common/expect-findings.ts";
import { contextAt, secretCredential } from "../common/test-credentials.ts";
import { STANDARD_WEBHOOKS_FINDINGS } from "./findings.ts";
import { standardWebhooksScheme as scheme } from "./scheme.ts";

// Diagnosis: each mistake is made the way a sender makes it (mostly with the standardwebhooks
// library itself, misused), and the test asserts the finding codes, not their wording.

const NOW = 1_764_670_000;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PAYLOAD = { type: "invoice.paid", data: { id: "inv_1", note: "ünïcode" } };
const BODY = Buffer.from(JSON.stringify(PAYLOAD, null, 2));

function signed(options: { key?: Webhook; signedBody?: Buffer; body?: Buffer; timestamp?: number; signature?: (value: string) => string } = {}): SignedRequest {
  const timestamp = options.timestamp ?? NOW;
  const value = (options.key ?? new Webhook(SECRET)).sign("msg_1", new Date(timestamp * 1000), (options.signedBody ?? BODY).toString("utf8"));
  const signature = options.signature ? options.signature(value) : value;
  return {
    headers: new Headers({ "webhook-id": "msg_1", "webhook-timestamp": String(timestamp), "webhook-signature": signature }),
    body: options.body ?? BODY,
  };
}

function diagnose(request: SignedRequest, credentials = [secretCredential("current", SECRET)], now = NOW) {
  return codesOf(scheme.diagnose(request, credentials, contextAt(now)), STANDARD_WEBHOOKS_FINDINGS);
}

describe("standard-webhooks diagnosis", () => {
  it("says which credential matches, active or retired", () => {
    expect(diagnose(signed())).toEqual(["matches_active"]);
    expect(diagnose(signed(), [secretCredential("old", SECRET, "revoked")])).toEqual(["signed_with_revoked"]);
    expect(diagnose(signed(), [secretCredential("old", SECRET, "expired")])).toEqual(["signed_with_expired"]);
  });

  it("measures clock skew in seconds, and still checks the signature as if the clocks agreed", () => {
    const findings = scheme.diagnose(signed({ timestamp: NOW - 1000 }), [secretCredential("current", SECRET)], contextAt(NOW));
    expect(findings.map((finding) => finding.code)).toEqual(["clock_skew", "matches_active"]);
    expect(findings[0].facts).toMatchObject({ skewSeconds: 1000, direction: "behind" });
  });

  it("finds a whsec_ secret used raw, and one stripped of its prefix but not decoded", () => {
    expect(diagnose(signed({ key: new Webhook(SECRET, { format: "raw" }) }))).toEqual(["secret_used_raw"]);
    expect(diagnose(signed({ key: new Webhook(SECRET.slice("whsec_".length), { format: "raw" }) }))).toEqual(["secret_not_decoded"]);
  });

  it("finds hex where base64 belongs, a missing v1, and a doubled v1", () => {
    const toHex = (value: string) => `v1,${Buffer.from(value.slice(3), "base64").toString("hex")}`;
    expect(diagnose(signed({ signature: toHex }))).toEqual(["signature_hex_not_base64"]);
    expect(diagnose(signed({ signature: (value) => value.slice(3) }))).toEqual(["prefix_missing"]);
    expect(diagnose(signed({ signature: (value) => `v1,${value}` }))).toEqual(["prefix_doubled"]);
  });

  it("finds the timestamp left out of the signed string", () => {
    const key = Buffer.from(SECRET.slice(6), "base64");
    const idOnly = `v1,${createHmac("sha256", key).update("msg_1.").update(BODY).digest("base64")}`;
    expect(diagnose(signed({ signature: () => idOnly }))).toEqual(["timestamp_not_signed"]);
  });

  it("finds the body variants MaskIt's inspector knows, and a re-serialized JSON body", () => {
    expect(diagnose(signed({ signedBody: Buffer.concat([BODY, Buffer.from("\n")]) }))).toEqual(["trailing_newline_added"]);
    const crlf = Buffer.from(BODY.toString().replaceAll("\n", "\r\n"));
    expect(diagnose(signed({ signedBody: BODY, body: crlf }))).toEqual(["crlf_to_lf"]);
    expect(diagnose(signed({ signedBody: Buffer.from(JSON.stringify(PAYLOAD)) }))).toEqual(["json_reserialized"]);
  });

  it("combines a variant with a retired credential", () => {
    const findings = scheme.diagnose(
      signed({ signedBody: Buffer.concat([BODY, Buffer.from("\n")]) }),
      [secretCredential("old", SECRET, "revoked")],
      contextAt(NOW),
    );
    expect(findings).toMatchObject([{ code: "trailing_newline_added", credential: { label: "old", state: "revoked" } }]);
  });

  it("says unknown secret, missing or malformed header, no credentials", () => {
    expect(diagnose(signed({ key: new Webhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`) }))).toEqual(["unknown_secret"]);
    const noSignature = signed();
    noSignature.headers.delete("webhook-signature");
    expect(diagnose(noSignature)).toEqual(["missing_header"]);
    expect(diagnose(signed({ signature: () => "v1,!!!" }))).toEqual(["malformed_header"]);
    expect(diagnose(signed(), [])).toEqual(["no_credentials"]);
  });
});
