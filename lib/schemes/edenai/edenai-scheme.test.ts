import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { accept, type Acceptance, type Refusal, type SchemeCredential } from "../scheme.ts";
import { canonicalForms, type CanonicalForm } from "./canonical-forms.ts";
import { edenaiScheme } from "./edenai-scheme.ts";
import { signEdenaiPayload } from "./edenai-signature.ts";
import { EDENAI_PUBLISHED_PUBLIC_KEY, parseRsaPublicKey } from "./rsa-public-key.ts";

// The Eden AI scheme as the contract states it: hex RSA PKCS#1 v1.5 / SHA-256 over the ASCII
// hex SHA-256 of a canonical payload, tried in each candidate form against each active key.

const current = generateKeyPairSync("rsa", { modulusLength: 2048 });
const previous = generateKeyPairSync("rsa", { modulusLength: 2048 });
const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
const currentKey = key("k1", "current", "f1", current.publicKey);
const previousKey = key("k0", "previous", "f0", previous.publicKey);

function key(id: string, label: string, fingerprint: string, publicKey: KeyObject, state: SchemeCredential["state"] = "active"): SchemeCredential {
  return { id, label, fingerprint, state, retiredAt: state === "active" ? null : new Date(), publicKey };
}

// Compact, keys unsorted, non-ASCII and a `1.0`: every form of this body is different bytes.
const body = Buffer.from('{"public_id":"p-1","status":"success","provider":"café","score":1.0,"10":[]}');
const forms = canonicalForms(body);

function formBytes(name: CanonicalForm, raw: Buffer = body): Buffer {
  const found = canonicalForms(raw).find(({ form }) => form === name);
  if (!found) throw new Error(`no ${name} form`);
  return found.bytes;
}

function signed(signature: string, extra: Record<string, string> = {}): Headers {
  return new Headers({ "content-type": "application/json", "x-edenai-signature": signature, ...extra });
}

function check(rawBody: Buffer, headers: Headers, keys: SchemeCredential[]) {
  return accept(edenaiScheme, { headers, body: rawBody }, keys, { now: new Date(), options: {} });
}

function accepted(rawBody: Buffer, headers: Headers, keys: SchemeCredential[]): Acceptance {
  const verdict = check(rawBody, headers, keys);
  if (!verdict.accepted) throw new Error(`refused: ${verdict.code}: ${verdict.message}`);
  return verdict;
}

function refused(rawBody: Buffer, headers: Headers, keys: SchemeCredential[]): Refusal {
  const verdict = check(rawBody, headers, keys);
  if (verdict.accepted) throw new Error("expected a refusal");
  return verdict;
}

const sortedSignature = signEdenaiPayload(formBytes("sorted-utf8"), current.privateKey);

describe("edenai scheme", () => {
  it("has four distinct candidate forms for the test body", () => {
    expect(new Set(forms.map(({ bytes }) => bytes.toString("hex"))).size).toBe(4);
  });

  it.each(forms.map(({ form }) => form))("verifies a signature over the %s form and reports that form", (form) => {
    const signature = signEdenaiPayload(formBytes(form), current.privateKey);
    const match = accepted(body, signed(signature), [currentKey]);
    expect(match).toEqual({ accepted: true, credential: { id: "k1", label: "current", fingerprint: "f1" }, detail: form });
  });

  it("accepts the misspelt X-Edenai-Signautre header of the older docs", () => {
    const headers = new Headers({ "X-Edenai-Signautre": sortedSignature });
    expect(accepted(body, headers, [currentKey]).detail).toBe("sorted-utf8");
  });

  it("accepts uppercase hex and surrounding whitespace", () => {
    const headers = signed(` ${sortedSignature.toUpperCase()} `);
    expect(accepted(body, headers, [currentKey]).detail).toBe("sorted-utf8");
  });

  it("accepts X-Edenai-Hash-Algorithm SHA256, sha256 and SHA-256", () => {
    for (const algorithm of ["SHA256", "sha256", "SHA-256"]) {
      const headers = signed(sortedSignature, { "x-edenai-hash-algorithm": algorithm });
      expect(accepted(body, headers, [currentKey]).detail).toBe("sorted-utf8");
    }
  });

  it("rejects X-Edenai-Hash-Algorithm MD5 with unsupported_algorithm, naming it", () => {
    const error = refused(body, signed(sortedSignature, { "x-edenai-hash-algorithm": "MD5" }), [currentKey]);
    expect(error.code).toBe("unsupported_algorithm");
    expect(error.message).toContain('"MD5"');
  });

  it("fails with missing_header when neither spelling is present or it is empty", () => {
    expect(refused(body, new Headers(), [currentKey]).code).toBe("missing_header");
    expect(refused(body, signed(""), [currentKey]).code).toBe("missing_header");
  });

  it("fails with malformed_header for base64 or odd-length hex", () => {
    const base64 = Buffer.from(sortedSignature, "hex").toString("base64");
    expect(refused(body, signed(base64), [currentKey]).code).toBe("malformed_header");
    expect(refused(body, signed(sortedSignature.slice(1)), [currentKey]).code).toBe("malformed_header");
  });

  it("verifies a body sent compact when the sender signed its sorted, indented form", () => {
    const pretty = Buffer.from('{\n  "b": [\n    1.0\n  ],\n  "a": "x"\n}');
    const signature = signEdenaiPayload(formBytes("sorted-utf8", pretty), current.privateKey);
    const compact = Buffer.from('{"b":[1.0],"a":"x"}');
    expect(accepted(compact, signed(signature), [currentKey]).detail).toBe("sorted-utf8");
  });

  it("fails with no_match when a value changed after signing, listing the forms tried and the key count", () => {
    const tampered = Buffer.from(body.toString().replace("success", "failure"));
    const error = refused(tampered, signed(sortedSignature), [currentKey]);
    expect(error.code).toBe("no_match");
    expect(error.message).toBe(
      "X-Edenai-Signature matches none of the 1 active key(s) over the forms tried: sorted-utf8, python-json-dumps, js-json-stringify, raw-body",
    );
  });

  it("fails when a number literal is rewritten (1.0 to 1)", () => {
    const rewritten = Buffer.from(body.toString().replace('"score":1.0', '"score":1'));
    expect(refused(rewritten, signed(sortedSignature), [currentKey]).code).toBe("no_match");
  });

  it("fails when a duplicate key is appended after signing", () => {
    const appended = Buffer.from(body.toString().replace(/}$/, ',"public_id":"p-2"}'));
    expect(refused(appended, signed(sortedSignature), [currentKey]).code).toBe("no_match");
  });

  it("fails when another key made the signature", () => {
    const signature = signEdenaiPayload(formBytes("sorted-utf8"), stranger.privateKey);
    expect(refused(body, signed(signature), [currentKey, previousKey]).code).toBe("no_match");
  });

  it("matches the second of two active keys (rotation) and reports it", () => {
    const signature = signEdenaiPayload(formBytes("python-json-dumps"), previous.privateKey);
    const match = accepted(body, signed(signature), [currentKey, previousKey]);
    expect(match.credential).toEqual({ id: "k0", label: "previous", fingerprint: "f0" });
    expect(match.detail).toBe("python-json-dumps");
  });

  it("refuses with no_credentials when the source has no key, or only retired ones", () => {
    expect(refused(body, signed(sortedSignature), []).code).toBe("no_credentials");
    expect(refused(body, signed(sortedSignature), [{ ...currentKey, state: "revoked" }]).code).toBe("no_credentials");
  });

  it("refuses before the body a signature no key of the source is long enough to have made", () => {
    const bigger = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const refusal = edenaiScheme.begin(signed(signEdenaiPayload(formBytes("raw-body"), bigger.privateKey)), [currentKey], { now: new Date(), options: {} });
    expect(refusal).toMatchObject({
      accepted: false,
      code: "malformed_header",
      message: "X-Edenai-Signature is 384 bytes long, the length of no RSA signature this source can verify",
    });
  });

  it("refuses invalid JSON with malformed_body even when its raw bytes are signed", () => {
    const broken = Buffer.from('{"a":1,}');
    const signature = signEdenaiPayload(broken, current.privateKey);
    expect(refused(broken, signed(signature), [currentKey]).code).toBe("malformed_body");
    expect(refused(broken, signed(signature), [{ ...currentKey, state: "expired" }]).code).toBe("malformed_body");
  });

  it("lists only the forms a body has in no_match (no sorted-utf8 with a lone surrogate)", () => {
    const lone = Buffer.from('{"s":"\\ud800"}');
    const error = refused(lone, signed(sortedSignature), [currentKey, previousKey]);
    expect(error.message).toBe("X-Edenai-Signature matches none of the 2 active key(s) over the forms tried: python-json-dumps, js-json-stringify, raw-body");
  });

  it("signs with a private key given as PEM text", () => {
    const pem = current.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(signEdenaiPayload(formBytes("raw-body"), pem)).toBe(signEdenaiPayload(formBytes("raw-body"), current.privateKey));
  });

  it("parses the published Eden AI key: 3072-bit RSA with the known SPKI fingerprint", () => {
    const info = parseRsaPublicKey(EDENAI_PUBLISHED_PUBLIC_KEY);
    expect(info.bits).toBe(3072);
    expect(info.fingerprint).toBe("3e527dfdfa4d5a03a411f548ad292923e3739ce21ded3031fa901338d6ba0965");
    expect(info.pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    const published = key("eden", "Eden AI", info.fingerprint, info.key);
    // A 2048-bit signature cannot come from a 3072-bit key: refused on its length alone.
    expect(refused(body, signed(sortedSignature), [published]).code).toBe("malformed_header");
  });

  it("gives the PKCS#1 and the SPKI PEM of one key the same fingerprint and normalized PEM", () => {
    const pkcs1 = parseRsaPublicKey(current.publicKey.export({ type: "pkcs1", format: "pem" }).toString());
    const spki = parseRsaPublicKey(current.publicKey.export({ type: "spki", format: "pem" }).toString());
    expect(pkcs1.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(pkcs1.fingerprint).toBe(spki.fingerprint);
    expect(pkcs1.pem).toBe(spki.pem);
    expect(pkcs1.bits).toBe(2048);
  });

  it("refuses a 1024-bit RSA key", () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(() => parseRsaPublicKey(small)).toThrow("the RSA key is 1024 bits; at least 2048 are required");
  });

  it("refuses a private key PEM, saying so without echoing it", () => {
    for (const type of ["pkcs8", "pkcs1"] as const) {
      const pem = current.privateKey.export({ type, format: "pem" }).toString();
      let message = "";
      try {
        parseRsaPublicKey(pem);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/private key/);
      expect(message).not.toContain(pem.split("\n")[1]);
    }
  });

  it("refuses text that is not PEM, and a non-RSA key", () => {
    expect(() => parseRsaPublicKey("ssh-rsa AAAAB3NzaC1yc2E user@host")).toThrow(/not a PEM public key/);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(() => parseRsaPublicKey(ec)).toThrow(/not an RSA key \(ec\)/);
  });
});
