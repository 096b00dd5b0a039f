import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { SchemeCredential, SchemeFinding } from "../scheme.ts";
import { canonicalForms, type CanonicalForm } from "./canonical-forms.ts";
import { diagnoseEdenai } from "./diagnose-edenai.ts";
import { signEdenaiPayload } from "./edenai-signature.ts";
import { EDENAI_PUBLISHED_PUBLIC_KEY, parseRsaPublicKey } from "./rsa-public-key.ts";

// Each thing the inspector can tell an operator about an Eden AI signature that did not
// verify, with real RSA keys and signatures over hand-written serializations of one payload,
// as finding codes and facts (worded in lib/schemes/finding-text.ts).

const pairs = { current: pair(), revoked: pair(), stranger: pair() };
const PUBLISHED = parseRsaPublicKey(EDENAI_PUBLISHED_PUBLIC_KEY);
const keys: SchemeCredential[] = [
  { id: "k-published", label: "Eden AI published key", fingerprint: PUBLISHED.fingerprint, state: "active", retiredAt: null, publicKey: PUBLISHED.key },
  key("k-current", "our signer", pairs.current.publicKey),
  key("k-revoked", "old signer", pairs.revoked.publicKey, "revoked", new Date("2026-11-19T09:45:00Z")),
];

// As a server would send it: compact, keys unsorted, one non-ASCII string, a `1.0`.
const BODY = '{"job_id":"job-42","status":"succeeded","provider":"café","score":1.0}';
const PYTHON_SORTED_INDENT_2 = '{\n  "job_id": "job-42",\n  "provider": "caf\\u00e9",\n  "score": 1.0,\n  "status": "succeeded"\n}';
const PYTHON_COMPACT = '{"job_id": "job-42", "status": "succeeded", "provider": "caf\\u00e9", "score": 1.0}';

function pair() {
  return generateKeyPairSync("rsa", { modulusLength: 2048 });
}

function key(id: string, label: string, publicKey: KeyObject, state: SchemeCredential["state"] = "active", retiredAt: Date | null = null): SchemeCredential {
  return { id, label, fingerprint: `fp-${id}`, state, retiredAt, publicKey };
}

function formOf(name: CanonicalForm, body = BODY): Buffer {
  return canonicalForms(Buffer.from(body)).find(({ form }) => form === name)!.bytes;
}

function diagnose(signature: string | null, options: { body?: string; headers?: Record<string, string>; keys?: SchemeCredential[] } = {}) {
  const headers = new Headers({ "content-type": "application/json", "x-edenai-hash-algorithm": "SHA256", ...options.headers });
  if (signature !== null) headers.set("x-edenai-signature", signature);
  return diagnoseEdenai({ headers, body: Buffer.from(options.body ?? BODY) }, options.keys ?? keys);
}

const codes = (findings: SchemeFinding[]) => findings.map((finding) => finding.code);
const finding = (findings: SchemeFinding[], code: string) => findings.find((entry) => entry.code === code);

describe("diagnoseEdenai", () => {
  it("says the signature header is missing", () => {
    const findings = diagnose(null);
    expect(finding(findings, "signature-header-missing")).toMatchObject({ severity: "error" });
    expect(codes(findings)).not.toContain("unknown-key");
  });

  it("accepts the misspelt header of the older docs, and says a signature matches an active key now", () => {
    const findings = diagnose(null, { headers: { "x-edenai-signautre": signEdenaiPayload(formOf("sorted-utf8"), pairs.current.privateKey) } });
    expect(finding(findings, "signature-header-misspelt")).toMatchObject({ severity: "info" });
    expect(finding(findings, "matches-active")).toMatchObject({
      severity: "success",
      credential: { label: "our signer" },
      facts: { form: "sorted-utf8", documented: 1 },
    });
  });

  it("says a hash algorithm other than SHA256 is refused", () => {
    const findings = diagnose(signEdenaiPayload(formOf("sorted-utf8"), pairs.current.privateKey), { headers: { "x-edenai-hash-algorithm": "SHA512" } });
    expect(finding(findings, "unsupported-hash-algorithm")!.facts).toEqual({ value: "SHA512" });
  });

  it("lists the documented forms tried, and names a revoked key that matched, with the form", () => {
    const findings = diagnose(signEdenaiPayload(formOf("python-json-dumps"), pairs.revoked.privateKey));
    expect(finding(findings, "forms-tried")!.facts!.forms).toEqual(["sorted-utf8", "python-json-dumps", "js-json-stringify", "raw-body"]);
    expect(finding(findings, "signed-with-revoked")).toEqual({
      code: "signed-with-revoked",
      severity: "error",
      credential: { label: "old signer", fingerprint: "fp-k-revoked", state: "revoked" },
      facts: { form: "python-json-dumps", documented: 1, retirement: "revoked 2026-11-19 09:45 UTC" },
    });
  });

  it("finds a signature over a layout Eden AI never documented: sorted keys with Python's escaping", () => {
    const findings = diagnose(signEdenaiPayload(Buffer.from(PYTHON_SORTED_INDENT_2), pairs.current.privateKey));
    expect(finding(findings, "other-layout")!.facts).toEqual({ form: "python-sorted-indent-2", documented: 0 });
    expect(codes(findings)).not.toContain("unknown-key");
    expect((finding(findings, "forms-tried")!.facts!.layouts as string[]).length).toBeGreaterThan(3);
  });

  it("finds a signature over the payload on one line, and over the body with a newline added", () => {
    expect(finding(diagnose(signEdenaiPayload(Buffer.from(PYTHON_COMPACT), pairs.current.privateKey)), "other-layout")!.facts).toMatchObject({
      form: "python-compact",
    });
    expect(finding(diagnose(signEdenaiPayload(Buffer.from(`${BODY}\n`), pairs.current.privateKey)), "other-layout")!.facts).toMatchObject({
      form: "trailing-newline-added",
    });
  });

  it("finds a signature of the payload itself rather than of its hex digest", () => {
    const signature = sign("sha256", formOf("sorted-utf8"), pairs.current.privateKey).toString("hex");
    expect(finding(diagnose(signature), "signed-directly")).toMatchObject({
      credential: { label: "our signer" },
      facts: { form: "sorted-utf8", documented: 1 },
    });
  });

  it("decodes a base64 signature", () => {
    const signature = Buffer.from(signEdenaiPayload(formOf("sorted-utf8"), pairs.current.privateKey), "hex").toString("base64");
    expect(codes(diagnose(signature))).toEqual(expect.arrayContaining(["signature-base64", "encoding-only"]));
  });

  it("says a right signature under another header name is not acceptable as sent", () => {
    const findings = diagnose(null, { headers: { "x-signature": signEdenaiPayload(formOf("sorted-utf8"), pairs.current.privateKey) } });
    expect(finding(findings, "signature-header-misnamed")!.facts).toEqual({ header: "x-signature" });
    expect(codes(findings)).toContain("encoding-only");
  });

  it("concludes the sender signs with a key this source lacks, and notes a size no key has", () => {
    const findings = diagnose(signEdenaiPayload(formOf("sorted-utf8"), pairs.stranger.privateKey));
    expect(finding(findings, "unknown-key")!.facts).toMatchObject({ keys: 3 });
    expect(findings.filter((entry) => entry.credential)).toEqual([]);

    const bigger = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const onlySmallKeys = keys.slice(1);
    expect(finding(diagnose(signEdenaiPayload(formOf("sorted-utf8"), bigger.privateKey), { keys: onlySmallKeys }), "signature-length")!.facts).toEqual({
      bytes: 384,
      keyBits: ["2048-bit"],
    });
  });

  it("notes when Eden AI's published key is not active on the source", () => {
    expect(finding(diagnose("00", { keys: keys.slice(1) }), "published-key-not-active")!.facts).toEqual({ state: "absent" });
    expect(codes(diagnose("00"))).not.toContain("published-key-not-active");
  });

  it("handles a body that is not JSON: only the raw bytes are tried", () => {
    const body = '{"job_id": "job-42",';
    const findings = diagnose(signEdenaiPayload(Buffer.from(body), pairs.current.privateKey), { body });
    expect(String(finding(findings, "body-not-json")!.facts!.problem)).toContain("at byte");
    expect(finding(findings, "forms-tried")!.facts!.forms).toEqual(["raw-body"]);
    expect(finding(findings, "matches-active")!.facts).toEqual({ form: "raw-body", documented: 1 });
  });
});
