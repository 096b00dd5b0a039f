import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { accept, type SignedRequest } from "../scheme.ts";
import { contextAt, secretCredential } from "../common/test-credentials.ts";
import { stripeScheme as scheme } from "./scheme.ts";
import { signStripeEvent } from "./sign.ts";

// Conformance: Stripe-Signature headers made by Stripe's own `stripe` package
// (webhooks.generateTestHeaderString), never by this module. Stripe's docs and test suites
// publish no fixed (secret, body, header) triple (the docs' example header has neither secret
// nor body), so the fixed vector below was printed by stripe 23.1.0 and is checked against the
// package too, so that it cannot drift from what Stripe's code does.

const stripe = new Stripe("sk_test_conformance");
const NOW = 1_764_670_000;
const SECRET = "whsec_test_secret";
const EVENT = { id: "evt_test_webhook", object: "event" };
const BODY = Buffer.from(JSON.stringify(EVENT, null, 2));

function stripeRequest(options: { body?: Buffer; secret?: string; timestamp?: number; scheme?: string } = {}): SignedRequest {
  const body = options.body ?? BODY;
  const header = stripe.webhooks.generateTestHeaderString({
    payload: body.toString("utf8"),
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? NOW,
    scheme: options.scheme,
  });
  return { headers: new Headers({ "stripe-signature": header }), body };
}

const active = secretCredential("endpoint", SECRET);

describe("stripe: accepting", () => {
  it("accepts an event signed by stripe.webhooks.generateTestHeaderString, naming the credential", () => {
    expect(accept(scheme, stripeRequest(), [active], contextAt(NOW))).toEqual({
      accepted: true,
      credential: { id: active.id, label: "endpoint", fingerprint: active.fingerprint },
    });
  });

  it("accepts the fixed vector (whsec_test_secret, Stripe's test event, t=1700000000)", () => {
    const wrong = `t=1700000000,v1=${"0".repeat(64)}`;
    const fromStripe = stripe.webhooks.generateTestHeaderString({ payload: BODY.toString(), secret: SECRET, timestamp: 1_700_000_000 });
    expect(fromStripe).toBe(FIXED_HEADER);
    expect(accept(scheme, { headers: new Headers({ "stripe-signature": FIXED_HEADER }), body: BODY }, [active], contextAt(1_700_000_000)).accepted).toBe(true);
    expect(accept(scheme, { headers: new Headers({ "stripe-signature": wrong }), body: BODY }, [active], contextAt(1_700_000_000))).toMatchObject({
      code: "no_match",
    });
  });

  it("uses the whole whsec_ string as the key, as Stripe's libraries do", () => {
    const decodedKey = Buffer.from("test_secret", "base64");
    expect(accept(scheme, stripeRequest(), [secretCredential("decoded", decodedKey)], contextAt(NOW))).toMatchObject({ code: "no_match" });
  });

  it("accepts when one of several v1 signatures matches (a secret roll), ignoring v0", () => {
    const request = stripeRequest();
    const signature = request.headers.get("stripe-signature")!;
    request.headers.set("stripe-signature", `${signature},v1=${"ab".repeat(32)},v0=${"cd".repeat(32)}`);
    expect(accept(scheme, request, [active], contextAt(NOW)).accepted).toBe(true);
    const rolled = stripeRequest({ secret: "whsec_the_new_one" });
    expect(accept(scheme, rolled, [active, secretCredential("new", "whsec_the_new_one")], contextAt(NOW))).toMatchObject({
      accepted: true,
      credential: { label: "new" },
    });
  });

  it("hashes t. first and then the body as it streams", () => {
    const request = stripeRequest();
    const verifier = scheme.begin(request.headers, [active], contextAt(NOW));
    if ("accepted" in verifier) throw new Error(verifier.message);
    for (let at = 0; at < request.body.length; at += 5) verifier.update(request.body.subarray(at, at + 5));
    expect(verifier.finish().accepted).toBe(true);
  });
});

describe("stripe: refusing", () => {
  it("refuses a tampered body, a wrong secret, a revoked secret", () => {
    const request = stripeRequest();
    expect(accept(scheme, { ...request, body: Buffer.from(BODY.toString().replace("webhook", "webhooK")) }, [active], contextAt(NOW))).toMatchObject({
      code: "no_match",
    });
    expect(accept(scheme, request, [secretCredential("other", "whsec_other")], contextAt(NOW))).toMatchObject({ code: "no_match" });
    expect(accept(scheme, request, [secretCredential("old", SECRET, "expired")], contextAt(NOW))).toMatchObject({ code: "no_credentials" });
  });

  it("refuses a missing header, Stripe's own bad header, a v0-only header and a header without t", () => {
    expect(scheme.begin(new Headers(), [active], contextAt(NOW))).toMatchObject({ code: "missing_header" });
    expect(scheme.begin(new Headers({ "stripe-signature": "I'm not even a real signature header" }), [active], contextAt(NOW))).toMatchObject({
      code: "malformed_header",
    });
    expect(scheme.begin(stripeRequest({ scheme: "v0" }).headers, [active], contextAt(NOW))).toMatchObject({ code: "unsupported_algorithm" });
    expect(scheme.begin(new Headers({ "stripe-signature": `v1=${"ab".repeat(32)}` }), [active], contextAt(NOW))).toMatchObject({ code: "malformed_header" });
  });

  it("refuses outside the tolerance (default 300 s, per source) before any body byte", () => {
    expect(scheme.begin(stripeRequest({ timestamp: NOW - 301 }).headers, [active], contextAt(NOW))).toMatchObject({ code: "timestamp_out_of_tolerance" });
    expect(scheme.begin(stripeRequest({ timestamp: NOW + 301 }).headers, [active], contextAt(NOW))).toMatchObject({ code: "timestamp_out_of_tolerance" });
    const strict = scheme.parseOptions({ toleranceSeconds: 10 });
    expect(scheme.begin(stripeRequest({ timestamp: NOW - 15 }).headers, [active], contextAt(NOW, strict))).toMatchObject({
      code: "timestamp_out_of_tolerance",
    });
    expect(accept(scheme, stripeRequest({ timestamp: NOW - 9 }), [active], contextAt(NOW, strict)).accepted).toBe(true);
  });
});

describe("stripe: options, dedupe and the sender", () => {
  it("takes toleranceSeconds only", () => {
    expect(scheme.parseOptions({})).toEqual({ toleranceSeconds: 300 });
    expect(() => scheme.parseOptions({ toleranceSeconds: "ten" })).toThrow(/toleranceSeconds/);
  });

  it("deduplicates on the event's id", () => {
    expect(scheme.dedupeKey(new Headers(), EVENT, {})).toBe("evt_test_webhook");
    expect(scheme.dedupeKey(new Headers(), [EVENT], {})).toBeNull();
    expect(scheme.dedupeKey(new Headers(), undefined, {})).toBeNull();
  });

  it("signs events that stripe.webhooks.constructEvent accepts", () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signStripeEvent(BODY, SECRET, timestamp);
    expect(stripe.webhooks.constructEvent(BODY, headers["stripe-signature"], SECRET).id).toBe("evt_test_webhook");
  });
});

// Printed by stripe 23.1.0 (and by `openssl dgst -sha256 -hmac whsec_test_secret` over "1700000000." + the body).
const FIXED_HEADER = "t=1700000000,v1=4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150";
