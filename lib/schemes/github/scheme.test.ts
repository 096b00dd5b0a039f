import { sign, verify } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import { accept, type SignedRequest } from "../scheme.ts";
import { contextAt, secretCredential } from "../common/test-credentials.ts";
import { githubScheme as scheme } from "./scheme.ts";
import { signGithubDelivery } from "./sign.ts";

// Conformance: signatures made by @octokit/webhooks-methods (GitHub's own JavaScript SDK) and
// fixed vectors from GitHub's documentation and Octokit's test suite; none by this module.

const NOW = 1_764_670_000;
const SECRET = "gh-webhook-secret-0123456789";
const BODY = Buffer.from('{"zen":"Design for failure.","hook_id":1}');

async function octokitRequest(body = BODY, secret = SECRET): Promise<SignedRequest> {
  return {
    headers: new Headers({ "x-hub-signature-256": await sign(secret, body.toString("utf8")), "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958" }),
    body,
  };
}

describe("github: accepting", () => {
  it("accepts a delivery signed by @octokit/webhooks-methods", async () => {
    const credential = secretCredential("hook", SECRET);
    expect(accept(scheme, await octokitRequest(), [credential], contextAt(NOW))).toEqual({
      accepted: true,
      credential: { id: credential.id, label: "hook", fingerprint: credential.fingerprint },
    });
  });

  it("accepts GitHub's documented example (“Hello, World!” under “It's a Secret to Everybody”)", () => {
    // docs.github.com, Validating webhook deliveries: "Testing the webhook payload validation".
    const request = {
      headers: new Headers({ "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" }),
      body: Buffer.from("Hello, World!"),
    };
    expect(accept(scheme, request, [secretCredential("docs", "It's a Secret to Everybody")], contextAt(NOW)).accepted).toBe(true);
    expect(
      accept(scheme, { ...request, body: Buffer.from("Hello, World?") }, [secretCredential("docs", "It's a Secret to Everybody")], contextAt(NOW)),
    ).toMatchObject({ code: "no_match" });
  });

  it('accepts Octokit\'s test vector ({"foo":"bar"} under “mysecret”), in uppercase hex too', () => {
    const digest = "4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3";
    const body = Buffer.from('{"foo":"bar"}');
    for (const value of [`sha256=${digest}`, `sha256=${digest.toUpperCase()}`]) {
      expect(
        accept(scheme, { headers: new Headers({ "x-hub-signature-256": value }), body }, [secretCredential("octokit", "mysecret")], contextAt(NOW)).accepted,
      ).toBe(true);
    }
  });

  it("accepts a rotated secret, naming it; streams the body in chunks", async () => {
    const request = await octokitRequest(BODY, "the-next-secret-xyz");
    const verifier = scheme.begin(request.headers, [secretCredential("old", SECRET), secretCredential("new", "the-next-secret-xyz")], contextAt(NOW));
    if ("accepted" in verifier) throw new Error(verifier.message);
    for (const byte of request.body) verifier.update(Buffer.from([byte]));
    expect(verifier.finish()).toMatchObject({ accepted: true, credential: { label: "new" } });
  });
});

describe("github: refusing", () => {
  it("refuses a tampered body, a wrong secret, a revoked secret", async () => {
    const request = await octokitRequest();
    expect(
      accept(scheme, { ...request, body: Buffer.from(BODY.toString().replace("1", "2")) }, [secretCredential("hook", SECRET)], contextAt(NOW)),
    ).toMatchObject({ code: "no_match" });
    expect(accept(scheme, request, [secretCredential("other", "another-secret-abcdef")], contextAt(NOW))).toMatchObject({ code: "no_match" });
    expect(accept(scheme, request, [secretCredential("hook", SECRET, "revoked")], contextAt(NOW))).toMatchObject({ code: "no_credentials" });
  });

  it("refuses a missing header, a SHA-1-only delivery, a bare digest and another algorithm", async () => {
    const request = await octokitRequest();
    const digest = request.headers.get("x-hub-signature-256")!.slice(7);
    const credential = [secretCredential("hook", SECRET)];
    expect(scheme.begin(new Headers({ "x-hub-signature": "sha1=d03207e4b030cf234e3447bac4d93add4c6643d8" }), credential, contextAt(NOW))).toMatchObject({
      code: "missing_header",
    });
    expect(scheme.begin(new Headers({ "x-hub-signature-256": digest }), credential, contextAt(NOW))).toMatchObject({ code: "malformed_header" });
    expect(scheme.begin(new Headers({ "x-hub-signature-256": `sha1=${digest.slice(0, 40)}` }), credential, contextAt(NOW))).toMatchObject({
      code: "unsupported_algorithm",
    });
  });
});

describe("github: options, dedupe and the sender", () => {
  it("has no options", () => {
    expect(scheme.parseOptions(null)).toEqual({});
    expect(() => scheme.parseOptions({ toleranceSeconds: 60 })).toThrow(/github sources have no option "toleranceSeconds"/);
  });

  it("deduplicates on X-GitHub-Delivery", async () => {
    expect(scheme.dedupeKey((await octokitRequest()).headers, undefined, {})).toBe("72d3162e-cc78-11e3-81ab-4c9367dc0958");
  });

  it("signs deliveries that @octokit/webhooks-methods verifies", async () => {
    const headers = signGithubDelivery(BODY, SECRET);
    expect(await verify(SECRET, BODY.toString(), headers["x-hub-signature-256"])).toBe(true);
  });
});
