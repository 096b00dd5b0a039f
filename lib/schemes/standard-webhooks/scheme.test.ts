import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { accept, type SignedRequest } from "../scheme.ts";
import { contextAt, publicKeyCredential, secretCredential } from "../common/test-credentials.ts";
import { formatEd25519PublicKey, generateStandardSecret, parseEd25519PublicKey } from "./keys.ts";
import { standardWebhooksScheme as scheme } from "./scheme.ts";
import { signStandardWebhook } from "./sign.ts";

// Conformance: every signature here is made by the standardwebhooks library, by node:crypto over
// the spec's signed string (v1a: the JavaScript library has no ed25519), or is a fixed vector
// from the Standard Webhooks test suites; none by this module.

const NOW = 1_764_670_000;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = Buffer.from('{"type":"invoice.paid","data":{"id":"inv_1"}}');

function libraryRequest(options: { secret?: string; id?: string; timestamp?: number; body?: Buffer } = {}): SignedRequest {
  const id = options.id ?? "msg_2Lq1";
  const timestamp = options.timestamp ?? NOW;
  const body = options.body ?? BODY;
  const signature = new Webhook(options.secret ?? SECRET).sign(id, new Date(timestamp * 1000), body.toString("utf8"));
  return { headers: new Headers({ "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature }), body };
}

const active = secretCredential("current", SECRET);

describe("standard-webhooks: accepting", () => {
  it("accepts a delivery signed by the standardwebhooks library, naming the credential", () => {
    const verdict = accept(scheme, libraryRequest(), [active], contextAt(NOW));
    expect(verdict).toEqual({ accepted: true, credential: { id: active.id, label: "current", fingerprint: active.fingerprint } });
  });

  it("accepts the spec suite's fixed vector (Webhook.sign known answer)", () => {
    // libraries/javascript/src/webhook.test.ts, "sign function works".
    const request = {
      headers: new Headers({
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
      }),
      body: Buffer.from('{"test": 2432232314}'),
    };
    expect(accept(scheme, request, [active], contextAt(1614265330)).accepted).toBe(true);
    expect(accept(scheme, { ...request, body: Buffer.from('{"test": 2432232315}') }, [active], contextAt(1614265330))).toMatchObject({
      accepted: false,
      code: "no_match",
    });
  });

  it("accepts the spec suite's fixed ed25519 (v1a) vector under the public key of its published seed", () => {
    // libraries/go/webhook_asymmetric_test.go, TestAsymmetricWebhookSign: the seed is the test's private key.
    const seed = Buffer.from("VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=", "base64");
    const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
    const publicKey = parseEd25519PublicKey(formatEd25519PublicKey(createPublicKey(privateKey))).key;
    const request = {
      headers: new Headers({
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==",
      }),
      body: Buffer.from('{"test": 2432232314}'),
    };
    const verdict = accept(scheme, request, [publicKeyCredential("sender key", publicKey)], contextAt(1614265330));
    expect(verdict).toMatchObject({ accepted: true, credential: { label: "sender key" }, detail: "v1a" });
  });

  it("accepts a v1a signature made by node:crypto over id.timestamp.body, and refuses it under another key", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const signature = sign(null, Buffer.concat([Buffer.from(`msg_9.${NOW}.`), BODY]), privateKey).toString("base64");
    const request = { headers: new Headers({ "webhook-id": "msg_9", "webhook-timestamp": String(NOW), "webhook-signature": `v1a,${signature}` }), body: BODY };
    expect(accept(scheme, request, [publicKeyCredential("k", publicKey)], contextAt(NOW)).accepted).toBe(true);
    const other = generateKeyPairSync("ed25519").publicKey;
    expect(accept(scheme, request, [publicKeyCredential("other", other)], contextAt(NOW))).toMatchObject({ accepted: false, code: "no_match" });
  });

  it("accepts when one of several space-separated signatures matches (the suite's multi-signature case)", () => {
    const request = libraryRequest();
    const valid = request.headers.get("webhook-signature")!;
    const junk = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    request.headers.set("webhook-signature", [junk, "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", valid, junk].join(" "));
    expect(accept(scheme, request, [active], contextAt(NOW)).accepted).toBe(true);
  });

  it("accepts a rotated secret and names the one that matched", () => {
    const next = generateStandardSecret();
    const verdict = accept(scheme, libraryRequest({ secret: next }), [active, secretCredential("next", next)], contextAt(NOW));
    expect(verdict).toMatchObject({ accepted: true, credential: { label: "next" } });
  });

  it("hashes the body as it streams: chunk by chunk gives the same verdict as one piece", () => {
    const request = libraryRequest();
    const verifier = scheme.begin(request.headers, [active], contextAt(NOW));
    if ("accepted" in verifier) throw new Error(verifier.message);
    for (let at = 0; at < request.body.length; at += 7) verifier.update(request.body.subarray(at, at + 7));
    expect(verifier.finish().accepted).toBe(true);
  });
});

describe("standard-webhooks: refusing", () => {
  it("refuses a tampered body, a wrong secret, and a revoked secret", () => {
    const request = libraryRequest();
    expect(accept(scheme, { ...request, body: Buffer.from(BODY.toString().replace("inv_1", "inv_2")) }, [active], contextAt(NOW))).toMatchObject({
      code: "no_match",
    });
    expect(accept(scheme, request, [secretCredential("other", generateStandardSecret())], contextAt(NOW))).toMatchObject({ code: "no_match" });
    expect(accept(scheme, request, [secretCredential("old", SECRET, "revoked")], contextAt(NOW))).toMatchObject({ code: "no_credentials" });
  });

  it("refuses each missing header before reading the body", () => {
    for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
      const request = libraryRequest();
      request.headers.delete(name);
      expect(scheme.begin(request.headers, [active], contextAt(NOW))).toMatchObject({ accepted: false, code: "missing_header" });
    }
  });

  it("refuses a timestamp that is not a number, a partial signature, and unknown versions only", () => {
    const request = libraryRequest();
    expect(scheme.begin(new Headers({ ...Object.fromEntries(request.headers), "webhook-timestamp": "hello" }), [active], contextAt(NOW))).toMatchObject({
      code: "malformed_header",
    });
    expect(scheme.begin(new Headers({ ...Object.fromEntries(request.headers), "webhook-signature": "v1," }), [active], contextAt(NOW))).toMatchObject({
      code: "malformed_header",
    });
    expect(
      scheme.begin(
        new Headers({ ...Object.fromEntries(request.headers), "webhook-signature": "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=" }),
        [active],
        contextAt(NOW),
      ),
    ).toMatchObject({ code: "unsupported_algorithm" });
  });

  it("refuses a delivery signed outside the tolerance, either way, before any body byte; the tolerance is per source", () => {
    const old = libraryRequest({ timestamp: NOW - 301 });
    expect(scheme.begin(old.headers, [active], contextAt(NOW))).toMatchObject({ accepted: false, code: "timestamp_out_of_tolerance" });
    expect(scheme.begin(libraryRequest({ timestamp: NOW + 301 }).headers, [active], contextAt(NOW))).toMatchObject({ code: "timestamp_out_of_tolerance" });
    expect(accept(scheme, libraryRequest({ timestamp: NOW - 300 }), [active], contextAt(NOW)).accepted).toBe(true);
    const lenient = scheme.parseOptions({ toleranceSeconds: 600 });
    expect(accept(scheme, old, [active], contextAt(NOW, lenient)).accepted).toBe(true);
  });

  it("refuses with no_credentials when the source has no active secret or key", () => {
    expect(scheme.begin(libraryRequest().headers, [], contextAt(NOW))).toMatchObject({ code: "no_credentials" });
  });
});

describe("standard-webhooks: options, dedupe and the sender", () => {
  it("takes toleranceSeconds (default 300) and refuses anything else by name", () => {
    expect(scheme.parseOptions(undefined)).toEqual({ toleranceSeconds: 300 });
    expect(() => scheme.parseOptions({ toleranceSeconds: 0 })).toThrow(/toleranceSeconds/);
    expect(() => scheme.parseOptions({ tolerance: 10 })).toThrow(/"tolerance"/);
  });

  it("deduplicates on webhook-id", () => {
    expect(scheme.dedupeKey(libraryRequest({ id: "msg_abc" }).headers, undefined, {})).toBe("msg_abc");
    expect(scheme.dedupeKey(new Headers(), undefined, {})).toBeNull();
  });

  it("signs deliveries that the standardwebhooks library verifies", () => {
    const secret = generateStandardSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signStandardWebhook({ id: "msg_send", timestamp, body: BODY, secret });
    expect(() => new Webhook(secret).verify(BODY.toString(), headers)).not.toThrow();
  });
});
