import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalForms, InvalidJsonError, type CanonicalForm } from "./edenai-canonical.ts";
import { EDENAI_PUBLISHED_PUBLIC_KEY, parseRsaPublicKey, signEdenaiPayload, verifyEdenaiSignature, type EdenaiKey } from "./edenai.ts";
import { SignatureError } from "./types.ts";

// The Eden AI scheme as the contract states it: hex RSA PKCS#1 v1.5 / SHA-256 over the ASCII
// hex SHA-256 of a canonical payload, tried in each candidate form against each active key.

const current = generateKeyPairSync("rsa", { modulusLength: 2048 });
const previous = generateKeyPairSync("rsa", { modulusLength: 2048 });
const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
const currentKey: EdenaiKey = { id: "k1", label: "current", fingerprint: "f1", key: current.publicKey };
const previousKey: EdenaiKey = { id: "k0", label: "previous", fingerprint: "f0", key: previous.publicKey };

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

function failure(run: () => unknown): SignatureError {
  try {
    run();
  } catch (error) {
    if (error instanceof SignatureError) return error;
    throw error;
  }
  throw new Error("expected a SignatureError");
}

const sortedSignature = signEdenaiPayload(formBytes("sorted-utf8"), current.privateKey);

describe("edenai signatures", () => {
  it("has four distinct candidate forms for the test body", () => {
    expect(new Set(forms.map(({ bytes }) => bytes.toString("hex"))).size).toBe(4);
  });

  it.each(forms.map(({ form }) => form))("verifies a signature over the %s form and reports that form", (form) => {
    const signature = signEdenaiPayload(formBytes(form), current.privateKey);
    const match = verifyEdenaiSignature({ rawBody: body, headers: signed(signature), keys: [currentKey] });
    expect(match).toEqual({ credential: { id: "k1", label: "current", fingerprint: "f1" }, detail: form, form });
  });

  it("accepts the misspelt X-Edenai-Signautre header of the older docs", () => {
    const headers = new Headers({ "X-Edenai-Signautre": sortedSignature });
    expect(verifyEdenaiSignature({ rawBody: body, headers, keys: [currentKey] }).form).toBe("sorted-utf8");
  });

  it("accepts uppercase hex and surrounding whitespace", () => {
    const headers = signed(` ${sortedSignature.toUpperCase()} `);
    expect(verifyEdenaiSignature({ rawBody: body, headers, keys: [currentKey] }).form).toBe("sorted-utf8");
  });

  it("accepts X-Edenai-Hash-Algorithm SHA256, sha256 and SHA-256", () => {
    for (const algorithm of ["SHA256", "sha256", "SHA-256"]) {
      const headers = signed(sortedSignature, { "x-edenai-hash-algorithm": algorithm });
      expect(verifyEdenaiSignature({ rawBody: body, headers, keys: [currentKey] }).form).toBe("sorted-utf8");
    }
  });

  it("rejects X-Edenai-Hash-Algorithm MD5 with unsupported_algorithm, naming it", () => {
    const error = failure(() =>
      verifyEdenaiSignature({ rawBody: body, headers: signed(sortedSignature, { "x-edenai-hash-algorithm": "MD5" }), keys: [currentKey] }),
    );
    expect(error.code).toBe("unsupported_algorithm");
    expect(error.message).toContain('"MD5"');
  });

  it("fails with missing_header when neither spelling is present or it is empty", () => {
    expect(failure(() => verifyEdenaiSignature({ rawBody: body, headers: new Headers(), keys: [currentKey] })).code).toBe("missing_header");
    expect(failure(() => verifyEdenaiSignature({ rawBody: body, headers: signed(""), keys: [currentKey] })).code).toBe("missing_header");
  });

  it("fails with malformed_header for base64 or odd-length hex", () => {
    const base64 = Buffer.from(sortedSignature, "hex").toString("base64");
    expect(failure(() => verifyEdenaiSignature({ rawBody: body, headers: signed(base64), keys: [currentKey] })).code).toBe("malformed_header");
    expect(failure(() => verifyEdenaiSignature({ rawBody: body, headers: signed(sortedSignature.slice(1)), keys: [currentKey] })).code).toBe(
      "malformed_header",
    );
  });

  it("verifies a body sent compact when the sender signed its sorted, indented form", () => {
    const pretty = Buffer.from('{\n  "b": [\n    1.0\n  ],\n  "a": "x"\n}');
    const signature = signEdenaiPayload(formBytes("sorted-utf8", pretty), current.privateKey);
    const compact = Buffer.from('{"b":[1.0],"a":"x"}');
    expect(verifyEdenaiSignature({ rawBody: compact, headers: signed(signature), keys: [currentKey] }).form).toBe("sorted-utf8");
  });

  it("fails with no_match when a value changed after signing, listing the forms tried and the key count", () => {
    const tampered = Buffer.from(body.toString().replace("success", "failure"));
    const error = failure(() => verifyEdenaiSignature({ rawBody: tampered, headers: signed(sortedSignature), keys: [currentKey] }));
    expect(error.code).toBe("no_match");
    expect(error.message).toBe(
      "X-Edenai-Signature matches none of the 1 active key(s) over the forms tried: sorted-utf8, python-json-dumps, js-json-stringify, raw-body",
    );
  });

  it("fails when a number literal is rewritten (1.0 to 1)", () => {
    const rewritten = Buffer.from(body.toString().replace('"score":1.0', '"score":1'));
    expect(failure(() => verifyEdenaiSignature({ rawBody: rewritten, headers: signed(sortedSignature), keys: [currentKey] })).code).toBe("no_match");
  });

  it("fails when a duplicate key is appended after signing", () => {
    const appended = Buffer.from(body.toString().replace(/}$/, ',"public_id":"p-2"}'));
    expect(failure(() => verifyEdenaiSignature({ rawBody: appended, headers: signed(sortedSignature), keys: [currentKey] })).code).toBe("no_match");
  });

  it("fails when another key made the signature", () => {
    const signature = signEdenaiPayload(formBytes("sorted-utf8"), stranger.privateKey);
    expect(failure(() => verifyEdenaiSignature({ rawBody: body, headers: signed(signature), keys: [currentKey, previousKey] })).code).toBe("no_match");
  });

  it("matches the second of two active keys (rotation) and reports it", () => {
    const signature = signEdenaiPayload(formBytes("python-json-dumps"), previous.privateKey);
    const match = verifyEdenaiSignature({ rawBody: body, headers: signed(signature), keys: [currentKey, previousKey] });
    expect(match.credential).toEqual({ id: "k0", label: "previous", fingerprint: "f0" });
    expect(match.detail).toBe("python-json-dumps");
  });

  it("fails with no_credentials when the source has no active key", () => {
    expect(failure(() => verifyEdenaiSignature({ rawBody: body, headers: signed(sortedSignature), keys: [] })).code).toBe("no_credentials");
  });

  it("refuses invalid JSON with InvalidJsonError even when its raw bytes are signed", () => {
    const broken = Buffer.from('{"a":1,}');
    const signature = signEdenaiPayload(broken, current.privateKey);
    expect(() => verifyEdenaiSignature({ rawBody: broken, headers: signed(signature), keys: [currentKey] })).toThrow(InvalidJsonError);
    expect(() => verifyEdenaiSignature({ rawBody: broken, headers: signed(signature), keys: [] })).toThrow(InvalidJsonError);
  });

  it("lists only the forms a body has in no_match (no sorted-utf8 with a lone surrogate)", () => {
    const lone = Buffer.from('{"s":"\\ud800"}');
    const error = failure(() => verifyEdenaiSignature({ rawBody: lone, headers: signed(sortedSignature), keys: [currentKey, previousKey] }));
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
    const published: EdenaiKey = { id: "eden", label: "Eden AI", fingerprint: info.fingerprint, key: info.key };
    expect(failure(() => verifyEdenaiSignature({ rawBody: body, headers: signed(sortedSignature), keys: [published] })).code).toBe("no_match");
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
