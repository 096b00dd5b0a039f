import { createHmac } from "node:crypto";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import type { SchemeCredential, SignedRequest } from "../scheme.ts";
import { codesOf } from "../common/expect-findings.ts";
import { contextAt, secretCredential } from "../common/test-credentials.ts";
import { STRIPE_FINDINGS } from "./findings.ts";
import { stripeScheme as scheme } from "./scheme.ts";

// Diagnosis: mistakes made the way senders make them, signed by the stripe package where it can
// make them; the test asserts finding codes.

const stripe = new Stripe("sk_test_diagnosis");
const NOW = 1_764_670_000;
const SECRET = `whsec_${Buffer.alloc(32, 5).toString("base64")}`;
const EVENT = { id: "evt_1", object: "event", data: { object: { id: "pi_1", amount: 2000 } } };
const BODY = Buffer.from(JSON.stringify(EVENT, null, 2));

function signed(options: { secret?: string; signedBody?: Buffer; timestamp?: number; header?: (value: string) => string } = {}): SignedRequest {
  const header = stripe.webhooks.generateTestHeaderString({
    payload: (options.signedBody ?? BODY).toString("utf8"),
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? NOW,
  });
  return { headers: new Headers({ "stripe-signature": options.header ? options.header(header) : header }), body: BODY };
}

function diagnose(request: SignedRequest, credentials: SchemeCredential[] = [secretCredential("endpoint", SECRET)]) {
  return codesOf(scheme.diagnose(request, credentials, contextAt(NOW)), STRIPE_FINDINGS);
}

describe("stripe diagnosis", () => {
  it("says which credential matches, active or retired", () => {
    expect(diagnose(signed())).toEqual(["matches_active"]);
    expect(diagnose(signed(), [secretCredential("rolled", SECRET, "revoked")])).toEqual(["signed_with_revoked"]);
  });

  it("measures clock skew, a sender ahead of this server too", () => {
    const findings = scheme.diagnose(signed({ timestamp: NOW + 420 }), [secretCredential("endpoint", SECRET)], contextAt(NOW));
    expect(findings.map((finding) => finding.code)).toEqual(["clock_skew", "matches_active"]);
    expect(findings[0].facts).toMatchObject({ skewSeconds: 420, direction: "ahead" });
  });

  it("finds the whsec_ secret decoded as Standard Webhooks does (the reverse mistake)", () => {
    const decoded = Buffer.from(SECRET.slice(6), "base64");
    const digest = createHmac("sha256", decoded).update(`${NOW}.`).update(BODY).digest("hex");
    expect(diagnose(signed({ header: () => `t=${NOW},v1=${digest}` }))).toEqual(["secret_whsec_decoded"]);
  });

  it("finds the timestamp left out of the signed string, base64 for hex, a doubled v1=", () => {
    const bodyOnly = createHmac("sha256", SECRET).update(BODY).digest("hex");
    expect(diagnose(signed({ header: () => `t=${NOW},v1=${bodyOnly}` }))).toEqual(["timestamp_not_signed"]);
    const toBase64 = (value: string) => value.replace(/v1=([0-9a-f]+)/, (_match, hex: string) => `v1=${Buffer.from(hex, "hex").toString("base64")}`);
    expect(diagnose(signed({ header: toBase64 }))).toEqual(["signature_base64_not_hex"]);
    expect(diagnose(signed({ header: (value) => value.replace("v1=", "v1=v1=") }))).toEqual(["prefix_doubled"]);
  });

  it("finds a payload re-serialized before signing, and a trailing newline", () => {
    expect(diagnose(signed({ signedBody: Buffer.from(JSON.stringify(EVENT)) }))).toEqual(["json_reserialized"]);
    expect(diagnose(signed({ signedBody: Buffer.concat([BODY, Buffer.from("\r\n")]) }))).toEqual(["trailing_crlf_added"]);
  });

  it("says unknown secret, malformed or missing header", () => {
    expect(diagnose(signed({ secret: "whsec_another" }))).toEqual(["unknown_secret"]);
    expect(diagnose({ headers: new Headers({ "stripe-signature": "garbage" }), body: BODY })).toEqual(["malformed_header"]);
    expect(diagnose({ headers: new Headers(), body: BODY })).toEqual(["missing_header"]);
  });
});
