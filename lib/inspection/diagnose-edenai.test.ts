import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalForms, type CanonicalForm } from "@/lib/signatures/edenai-canonical.ts";
import { EDENAI_PUBLISHED_PUBLIC_KEY, parseRsaPublicKey, signEdenaiPayload } from "@/lib/signatures/edenai.ts";
import { diagnoseEdenai, type EdenaiDiagnosticKey } from "./diagnose-edenai.ts";

// Each thing the inspector can tell an operator about an Eden AI signature that did not
// verify, with real RSA keys and signatures over hand-written serializations of one payload.

const pairs = { current: pair(), revoked: pair(), stranger: pair() };
const PUBLISHED = parseRsaPublicKey(EDENAI_PUBLISHED_PUBLIC_KEY);
const keys: EdenaiDiagnosticKey[] = [
  { id: "k-published", label: "Eden AI published key", fingerprint: PUBLISHED.fingerprint, state: "active", retiredAt: null, pem: PUBLISHED.pem },
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

function key(
  id: string,
  label: string,
  publicKey: KeyObject,
  state: EdenaiDiagnosticKey["state"] = "active",
  retiredAt: Date | null = null,
): EdenaiDiagnosticKey {
  return { id, label, fingerprint: `fp-${id}`, state, retiredAt, pem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

function formOf(name: CanonicalForm, body = BODY): Buffer {
  return canonicalForms(Buffer.from(body)).find(({ form }) => form === name)!.bytes;
}

function diagnose(signature: string | null, options: { body?: string; headers?: Record<string, string>; keys?: EdenaiDiagnosticKey[] } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json", "x-edenai-hash-algorithm": "SHA256", ...options.headers };
  if (signature !== null) headers["x-edenai-signature"] = signature;
  return diagnoseEdenai({ rawBody: Buffer.from(options.body ?? BODY), headers, keys: options.keys ?? keys });
}

const kinds = (diagnosis: ReturnType<typeof diagnoseEdenai>) => diagnosis.findings.map((finding) => finding.kind);
const finding = (diagnosis: ReturnType<typeof diagnoseEdenai>, kind: string) => diagnosis.findings.find((entry) => entry.kind === kind);

describe("diagnoseEdenai", () => {
  it("says the signature header is missing", () => {
    const diagnosis = diagnose(null);
    expect(finding(diagnosis, "signature-header-missing")).toMatchObject({ severity: "error" });
    expect(kinds(diagnosis)).not.toContain("unknown-key");
  });

  it("accepts the misspelt header of the older docs, and says a signature matches an active key now", () => {
    const signature = signEdenaiPayload(formOf("sorted-utf8"), pairs.current.privateKey);
    const diagnosis = diagnose(null, { headers: { "x-edenai-signautre": signature } });
    expect(finding(diagnosis, "signature-header-misspelt")).toMatchObject({ severity: "info" });
    expect(finding(diagnosis, "matches-active")).toMatchObject({ severity: "success", credential: { label: "our signer" } });
  });

  it("says a hash algorithm other than SHA256 is refused", () => {
    const diagnosis = diagnose(signEdenaiPayload(formOf("sorted-utf8"), pairs.current.privateKey), { headers: { "x-edenai-hash-algorithm": "SHA512" } });
    expect(finding(diagnosis, "unsupported-hash-algorithm")!.title).toContain("SHA512");
  });

  it("lists which documented forms were tried against which keys, and names a revoked key that matched", () => {
    const diagnosis = diagnose(signEdenaiPayload(formOf("python-json-dumps"), pairs.revoked.privateKey));
    expect(diagnosis.attempts.map((attempt) => attempt.form)).toEqual(["sorted-utf8", "python-json-dumps", "js-json-stringify", "raw-body"]);
    const matched = diagnosis.attempts.flatMap((attempt) =>
      attempt.results.filter((result) => result.isMatch).map((result) => `${attempt.form}/${result.keyId}`),
    );
    expect(matched).toEqual(["python-json-dumps/k-revoked"]);
    const found = finding(diagnosis, "signed-with-revoked")!;
    expect(found.title).toBe("It was signed with “old signer” (fp-k-revoked), a revoked key");
    expect(found.detail).toContain("revoked 2026-11-19 09:45 UTC");
    expect(diagnosis.credentials.find((entry) => entry.id === "k-revoked")).toMatchObject({ result: "matches", note: "python-json-dumps form" });
  });

  it("finds a signature over a layout Eden AI never documented: sorted keys with Python's escaping", () => {
    const diagnosis = diagnose(signEdenaiPayload(Buffer.from(PYTHON_SORTED_INDENT_2), pairs.current.privateKey));
    expect(finding(diagnosis, "other-layout")!.title).toContain("json.dumps(payload, indent=2, sort_keys=True)");
    expect(kinds(diagnosis)).not.toContain("unknown-key");
    expect(diagnosis.otherLayoutsTried.length).toBeGreaterThan(3);
  });

  it("finds a signature over the payload on one line", () => {
    expect(finding(diagnose(signEdenaiPayload(Buffer.from(PYTHON_COMPACT), pairs.current.privateKey)), "other-layout")!.title).toContain(
      "json.dumps(payload), on one line",
    );
  });

  it("finds a signature of the payload itself rather than of its hex digest", () => {
    const signature = sign("sha256", formOf("sorted-utf8"), pairs.current.privateKey).toString("hex");
    expect(finding(diagnose(signature), "signed-directly")!.detail).toContain("hex SHA-256");
  });

  it("decodes a base64 signature", () => {
    const signature = Buffer.from(signEdenaiPayload(formOf("sorted-utf8"), pairs.current.privateKey), "hex").toString("base64");
    expect(kinds(diagnose(signature))).toEqual(expect.arrayContaining(["signature-base64", "encoding-only"]));
  });

  it("concludes the sender signs with a key this source lacks, and notes a size no key has", () => {
    const diagnosis = diagnose(signEdenaiPayload(formOf("sorted-utf8"), pairs.stranger.privateKey));
    expect(finding(diagnosis, "unknown-key")!.title).toBe("The sender probably signs with a key this source does not have, or the body was altered on the way");
    expect(diagnosis.credentials.every((entry) => entry.result === "no-match")).toBe(true);

    const bigger = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const onlySmallKeys = keys.slice(1);
    expect(finding(diagnose(signEdenaiPayload(formOf("sorted-utf8"), bigger.privateKey), { keys: onlySmallKeys }), "signature-length")!.title).toContain(
      "384 bytes",
    );
  });

  it("notes when Eden AI's published key is not active on the source", () => {
    expect(kinds(diagnose("00", { keys: keys.slice(1) }))).toContain("published-key-not-active");
    expect(kinds(diagnose("00"))).not.toContain("published-key-not-active");
  });

  it("handles a body that is not JSON: only the raw bytes are tried", () => {
    const body = '{"job_id": "job-42",';
    const diagnosis = diagnose(signEdenaiPayload(Buffer.from(body), pairs.current.privateKey), { body });
    expect(finding(diagnosis, "body-not-json")!.detail).toContain("400");
    expect(diagnosis.attempts.map((attempt) => attempt.form)).toEqual(["raw-body"]);
    expect(diagnosis.isJson).toBe(false);
    expect(kinds(diagnosis)).toContain("matches-active");
  });

  it("reads what the unverified body claims to be", () => {
    expect(diagnose("00").claimed).toMatchObject({ jobId: "job-42", jobStatus: "succeeded", provider: "café" });
  });
});
