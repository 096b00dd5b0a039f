import { sign } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import type { SchemeCredential, SignedRequest } from "../scheme.ts";
import { codesOf } from "../common/expect-findings.ts";
import { contextAt, secretCredential } from "../common/test-credentials.ts";
import { GITHUB_FINDINGS } from "./findings.ts";
import { githubScheme as scheme } from "./scheme.ts";

// Diagnosis: mistakes made the way senders make them, signed with Octokit's own `sign`; the
// test asserts finding codes.

const NOW = 1_764_670_000;
const SECRET = `whsec_${Buffer.alloc(24, 9).toString("base64url")}`;
const BODY = Buffer.from('{\n  "action": "opened",\n  "number": 7\n}\n');

async function signed(options: { secret?: string; signedBody?: Buffer; header?: (value: string) => string } = {}): Promise<SignedRequest> {
  const secret = options.secret ?? SECRET;
  const value = await sign(secret, (options.signedBody ?? BODY).toString("utf8"));
  return { headers: new Headers({ "x-hub-signature-256": options.header ? options.header(value) : value }), body: BODY };
}

async function diagnose(request: SignedRequest | Promise<SignedRequest>, credentials: SchemeCredential[] = [secretCredential("hook", SECRET)]) {
  return codesOf(scheme.diagnose(await request, credentials, contextAt(NOW)), GITHUB_FINDINGS);
}

describe("github diagnosis", () => {
  it("says which credential matches, active or retired", async () => {
    expect(await diagnose(signed())).toEqual(["matches_active"]);
    expect(await diagnose(signed(), [secretCredential("old", SECRET, "expired")])).toEqual(["signed_with_expired"]);
  });

  it("finds the sha256= prefix missing or doubled, and base64 where hex belongs", async () => {
    expect(await diagnose(signed({ header: (value) => value.slice(7) }))).toEqual(["prefix_missing"]);
    expect(await diagnose(signed({ header: (value) => `sha256=${value}` }))).toEqual(["prefix_doubled"]);
    expect(await diagnose(signed({ header: (value) => `sha256=${Buffer.from(value.slice(7), "hex").toString("base64")}` }))).toEqual([
      "signature_base64_not_hex",
    ]);
  });

  it("finds a whsec_ secret used without its prefix", async () => {
    expect(await diagnose(signed({ secret: SECRET.slice(6) }))).toEqual(["secret_prefix_stripped"]);
  });

  it("finds the body variants", async () => {
    expect(await diagnose(signed({ signedBody: BODY.subarray(0, BODY.length - 1) }))).toEqual(["trailing_newline_removed"]);
    expect(await diagnose(signed({ signedBody: Buffer.from(BODY.toString().replaceAll("\n", "\r\n")) }))).toEqual(["lf_to_crlf"]);
    expect(await diagnose(signed({ signedBody: Buffer.from('{"action":"opened","number":7}') }))).toEqual(["json_reserialized"]);
  });

  it("notes a delivery with only the SHA-1 header", async () => {
    const request = { headers: new Headers({ "x-hub-signature": "sha1=d03207e4b030cf234e3447bac4d93add4c6643d8" }), body: BODY };
    expect(await diagnose(request)).toEqual(["sha1_signature_only", "missing_header"]);
  });

  it("says unknown secret, malformed header, no credentials", async () => {
    expect(await diagnose(signed({ secret: "someone-elses-secret" }))).toEqual(["unknown_secret"]);
    expect(await diagnose(signed({ header: () => "sha256=nothex" }))).toEqual(["malformed_header"]);
    expect(await diagnose(signed(), [])).toEqual(["no_credentials"]);
  });
});
