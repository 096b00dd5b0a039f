import { constants, createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { describeJob } from "../ingest/edenai-payload.ts";
import {
  CANONICAL_FORM_DESCRIPTIONS,
  InvalidJsonError,
  lazyCanonicalForms,
  parseJsonPreservingOrder,
  toPlainJson,
  type JsonNode,
} from "../signatures/edenai-canonical.ts";
import { EDENAI_HASH_ALGORITHM_HEADER, EDENAI_PUBLISHED_PUBLIC_KEY, EDENAI_SIGNATURE_HEADERS, parseRsaPublicKey } from "../signatures/edenai.ts";
import { decodeSignature, type DecodedSignature } from "./decode-signature.ts";
import { credentialOf, describeRetirement, nameCredential, sortFindings, type CredentialResult, type DiagnosticCredential, type Finding } from "./findings.ts";
import { JSON_VARIANTS, serializeWithLayout } from "./json-variants.ts";

// Why an Eden AI delivery's signature did not verify: the header's shape, which of the
// documented canonical forms were tried against which keys (revoked and expired ones too), and
// whether the signature fits a form Eden AI never documented (another indent, sorted keys, one
// line) or a different way of signing (the payload itself instead of its hex digest). Pure.

export interface EdenaiDiagnosticKey extends DiagnosticCredential {
  pem: string;
}

export interface EdenaiDiagnosisInput {
  rawBody: Buffer;
  headers: Record<string, string>;
  keys: readonly EdenaiDiagnosticKey[];
}

/** One documented form tried against each key: the receiver's own check, as a table. */
export interface FormAttempt {
  form: string;
  description: string;
  results: Array<{ keyId: string; isMatch: boolean }>;
}

export interface EdenaiDiagnosis {
  signature: { header: string; value: string } | null;
  decoded: DecodedSignature | null;
  isJson: boolean;
  /** What the unverified body claims to be, for orientation only. */
  claimed: ReturnType<typeof describeJob> | null;
  attempts: FormAttempt[];
  /** Undocumented layouts that were also tried, by description. */
  otherLayoutsTried: string[];
  credentials: CredentialResult[];
  findings: Finding[];
}

interface Candidate {
  form: string;
  description: string;
  isDocumented: boolean;
  bytes: Buffer;
}

interface Match {
  key: EdenaiDiagnosticKey;
  candidate: Candidate;
  mode: "hex-digest" | "direct";
}

export function diagnoseEdenai(input: EdenaiDiagnosisInput): EdenaiDiagnosis {
  const findings: Finding[] = [];
  const signature = findSignatureHeader(input.headers, findings);
  checkHashAlgorithm(input.headers[EDENAI_HASH_ALGORITHM_HEADER], findings);
  const { tree, problem } = parse(input.rawBody);
  if (problem)
    findings.push({
      kind: "body-not-json",
      severity: "error",
      title: "The body is not valid JSON",
      detail: `${problem}. The receiver refuses such a body (400) before it looks at the signature; only the raw bytes could have been signed.`,
    });
  const candidates = buildCandidates(input.rawBody, tree);
  const keys = usableKeys(input.keys, findings);
  publishedKeyNote(input.keys, findings);

  const decoded = signature ? decodeSignature(signature.value) : null;
  if (decoded) describeEncoding(decoded, keys, findings);
  const matches = decoded?.bytes ? findMatches(decoded.bytes, candidates, keys) : [];
  const isAsSent = decoded?.encoding === "hex" && !decoded.prefix && !decoded.hasInnerWhitespace;
  for (const match of matches) findings.push(describeMatch(match, isAsSent));
  if (decoded?.bytes && matches.length === 0) {
    findings.push({
      kind: "unknown-key",
      severity: "error",
      title: "The sender probably signs with a key this source does not have, or the body was altered on the way",
      detail:
        keys.length === 0
          ? "This source has no public key to check against. Add the sender's public key on the source page, then re-verify this delivery."
          : `None of this source's ${keys.length} key(s) verified the signature over any of the ${candidates.length} serializations tried, signed either way. If Eden AI has published a new key, or the sender signs with its own, add that public key on the source page, then re-verify this delivery. Or something between the sender and here changed bytes of the body after it was signed: then no key will ever match it.`,
    });
  }

  const hexMatches = matches.filter((match) => match.mode === "hex-digest" && isAsSent);
  return {
    signature,
    decoded,
    isJson: tree !== null,
    claimed: tree ? describeJob(toPlainJson(tree)) : null,
    attempts: candidates
      .filter((candidate) => candidate.isDocumented)
      .map((candidate) => ({
        form: candidate.form,
        description: candidate.description,
        results: keys.map(({ credential }) => ({
          keyId: credential.id,
          isMatch: hexMatches.some((match) => match.key.id === credential.id && match.candidate === candidate),
        })),
      })),
    otherLayoutsTried: candidates.filter((candidate) => !candidate.isDocumented).map((candidate) => candidate.description),
    credentials: input.keys.map((key) => resultFor(key, matches, isAsSent)),
    findings: sortFindings(findings),
  };
}

function findSignatureHeader(headers: Record<string, string>, findings: Finding[]): { header: string; value: string } | null {
  const [correct, misspelt] = EDENAI_SIGNATURE_HEADERS;
  if (headers[correct]?.trim()) return { header: "X-Edenai-Signature", value: headers[correct] };
  if (headers[misspelt]?.trim()) {
    findings.push({
      kind: "signature-header-misspelt",
      severity: "info",
      title: "The signature came in X-Edenai-Signautre",
      detail: "That is the older docs' misspelling. The receiver accepts it.",
    });
    return { header: "X-Edenai-Signautre", value: headers[misspelt] };
  }
  const lookAlike = Object.entries(headers).find(([name, value]) => /signature/i.test(name) && value.trim() !== "");
  if (lookAlike) {
    findings.push({
      kind: "signature-header-misnamed",
      severity: "error",
      title: `No X-Edenai-Signature header, but a ${lookAlike[0]} header`,
      detail: `The receiver reads X-Edenai-Signature (or the misspelt X-Edenai-Signautre). The checks below use the value of ${lookAlike[0]}.`,
    });
    return { header: lookAlike[0], value: lookAlike[1] };
  }
  findings.push({
    kind: "signature-header-missing",
    severity: "error",
    title: "The request had no X-Edenai-Signature header",
    detail:
      "Eden AI signs webhooks only when signing is set up for the webhook; without a signature nothing can be verified. The request may also not come from Eden AI.",
  });
  return null;
}

function checkHashAlgorithm(value: string | undefined, findings: Finding[]): void {
  if (value === undefined || ["sha256", "sha-256"].includes(value.trim().toLowerCase())) return;
  findings.push({
    kind: "unsupported-hash-algorithm",
    severity: "error",
    title: `X-Edenai-Hash-Algorithm is “${value.slice(0, 40)}”`,
    detail: "Only SHA256 is supported; the receiver refuses any other before it checks the signature, and so would a re-verification.",
  });
}

function parse(rawBody: Buffer): { tree: JsonNode | null; problem: string | null } {
  try {
    return { tree: parseJsonPreservingOrder(rawBody), problem: null };
  } catch (error) {
    if (error instanceof InvalidJsonError) return { tree: null, problem: `${error.message} (at byte ${error.offset})` };
    throw error;
  }
}

function buildCandidates(rawBody: Buffer, tree: JsonNode | null): Candidate[] {
  const candidates: Candidate[] = [];
  // Documented forms are all listed, even when two give the same bytes (a body sent in the
  // sorted form is also its own raw body); the other layouts only when they add something.
  const add = (candidate: Candidate) => {
    if (candidate.isDocumented || !candidates.some((existing) => existing.bytes.equals(candidate.bytes))) candidates.push(candidate);
  };
  if (tree) {
    for (const { form, bytes } of lazyCanonicalForms(rawBody, tree)) add({ form, description: CANONICAL_FORM_DESCRIPTIONS[form], isDocumented: true, bytes });
  } else {
    add({ form: "raw-body", description: CANONICAL_FORM_DESCRIPTIONS["raw-body"], isDocumented: true, bytes: rawBody });
  }
  if (tree) {
    for (const variant of JSON_VARIANTS) {
      const text = serializeWithLayout(tree, variant.layout);
      if (text.isWellFormed()) add({ form: variant.name, description: variant.description, isDocumented: false, bytes: Buffer.from(text, "utf8") });
    }
  }
  add({
    form: "raw-body-newline-added",
    description: "the raw body with a trailing newline added",
    isDocumented: false,
    bytes: Buffer.concat([rawBody, Buffer.from("\n")]),
  });
  if (rawBody.at(-1) === 0x0a)
    add({
      form: "raw-body-newline-removed",
      description: "the raw body without its trailing newline",
      isDocumented: false,
      bytes: rawBody.subarray(0, rawBody.length - (rawBody.at(-2) === 0x0d ? 2 : 1)),
    });
  return candidates;
}

function usableKeys(keys: readonly EdenaiDiagnosticKey[], findings: Finding[]): Array<{ credential: EdenaiDiagnosticKey; key: KeyObject; bytes: number }> {
  const usable = [];
  for (const credential of keys) {
    try {
      const key = createPublicKey(credential.pem);
      usable.push({ credential, key, bytes: Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8) });
    } catch {
      findings.push({
        kind: "key-unreadable",
        severity: "warning",
        title: `The key ${nameCredential(credential)} cannot be read`,
        detail: "Its stored PEM does not load as a public key, so it was not tried.",
      });
    }
  }
  return usable;
}

function publishedKeyNote(keys: readonly EdenaiDiagnosticKey[], findings: Finding[]): void {
  const published = parseRsaPublicKey(EDENAI_PUBLISHED_PUBLIC_KEY).fingerprint;
  const entry = keys.find((key) => key.fingerprint === published);
  if (entry?.state === "active") return;
  findings.push({
    kind: "published-key-not-active",
    severity: "info",
    title: entry ? `Eden AI's published key is ${describeRetirement(entry)} on this source` : "Eden AI's published key is not a credential of this source",
    detail:
      "Deliveries signed by Eden AI's own servers verify only with its published key (SPKI SHA-256 3e527dfd…). That is expected if this source receives from another signer.",
  });
}

function describeEncoding(decoded: DecodedSignature, keys: Array<{ bytes: number }>, findings: Finding[]): void {
  if (decoded.prefix)
    findings.push({
      kind: "signature-prefix",
      severity: "warning",
      title: `The signature starts with “${decoded.prefix.trim()}”`,
      detail: "Eden AI sends the bare hex signature; the receiver does not strip a prefix. The checks below ignore it.",
    });
  if (decoded.encoding === "base64")
    findings.push({
      kind: "signature-base64",
      severity: "warning",
      title: "The signature is base64, where hex was expected",
      detail: "The receiver reads the signature as hexadecimal only. The checks below decode it from base64.",
    });
  if (decoded.encoding === "unreadable" || !decoded.bytes) {
    findings.push({
      kind: "signature-unreadable",
      severity: "error",
      title: "The signature cannot be read as hex or base64",
      detail: "An RSA signature in hex has twice as many characters as the key has bytes (768 for a 3072-bit key).",
    });
    return;
  }
  const sizes = [...new Set(keys.map((key) => key.bytes))];
  if (sizes.length > 0 && !sizes.includes(decoded.bytes.length)) {
    findings.push({
      kind: "signature-length",
      severity: "warning",
      title: `The signature is ${decoded.bytes.length} bytes, the size made by a ${decoded.bytes.length * 8}-bit key`,
      detail: `This source's keys are ${sizes.map((size) => `${size * 8}-bit`).join(" and ")}, so none of them can have made it: the sender signs with a key of another size, or the signature was cut off.`,
    });
  }
}

function findMatches(signature: Buffer, candidates: Candidate[], keys: Array<{ credential: EdenaiDiagnosticKey; key: KeyObject; bytes: number }>): Match[] {
  const matches: Match[] = [];
  const matched = new Set<string>(); // key id + digest: two forms with the same bytes are one finding
  for (const candidate of candidates) {
    const digestHex = Buffer.from(createHash("sha256").update(candidate.bytes).digest("hex"), "ascii");
    for (const { credential, key, bytes } of keys) {
      if (bytes !== signature.length || matched.has(`${credential.id}:${digestHex}`)) continue;
      const options = { key, padding: constants.RSA_PKCS1_PADDING };
      const mode = verify("sha256", digestHex, options, signature) ? "hex-digest" : verify("sha256", candidate.bytes, options, signature) ? "direct" : null;
      if (!mode) continue;
      matches.push({ key: credential, candidate, mode });
      matched.add(`${credential.id}:${digestHex}`);
    }
  }
  return matches;
}

function describeMatch({ key, candidate, mode }: Match, isAsSent: boolean): Finding {
  const credential = credentialOf(key);
  const over = `over ${candidate.isDocumented ? `the ${candidate.form} form (${candidate.description})` : candidate.description}`;
  if (mode === "direct") {
    return {
      kind: "signed-directly",
      severity: "warning",
      credential,
      title: `It is ${nameCredential(key)}'s signature of the payload itself, not of its hex digest`,
      detail: `Signed ${over}. Eden AI signs the ASCII hex SHA-256 of the payload; this sender signs the payload bytes directly, which the receiver does not accept.`,
    };
  }
  if (!candidate.isDocumented) {
    return {
      kind: "other-layout",
      severity: "warning",
      credential,
      title: `It matches ${nameCredential(key)} ${over}`,
      detail:
        "That is a layout Eden AI's docs never described, so the receiver does not try it and cannot accept this delivery. The sender serializes the payload differently before signing.",
    };
  }
  if (!isAsSent) {
    return {
      kind: "encoding-only",
      severity: "warning",
      credential,
      title: `It is the right signature by ${nameCredential(key)}, written the wrong way`,
      detail: `It matches ${over} once decoded, but the receiver reads only a bare hex signature.`,
    };
  }
  if (key.state === "active") {
    return {
      kind: "matches-active",
      severity: "success",
      credential,
      title: `It matches the active key ${nameCredential(key)} ${over}`,
      detail: "The key was probably added after this delivery arrived. Re-verify to accept the delivery.",
    };
  }
  return {
    kind: key.state === "revoked" ? "signed-with-revoked" : "signed-with-expired",
    severity: "error",
    credential,
    title: `It was signed with ${nameCredential(key)}, a ${key.state} key`,
    detail: `That key was ${describeRetirement(key)}, ${over}. The sender still signs with it. Add the sender's current public key on the source page; a ${key.state} key cannot verify deliveries again.`,
  };
}

function resultFor(key: EdenaiDiagnosticKey, matches: Match[], isAsSent: boolean): CredentialResult {
  const base = { id: key.id, label: key.label, fingerprint: key.fingerprint, state: key.state, retiredAt: key.retiredAt };
  const own = matches.filter((match) => match.key.id === key.id);
  const exact = own.find((match) => match.mode === "hex-digest" && match.candidate.isDocumented && isAsSent);
  if (exact) return { ...base, result: "matches", note: `${exact.candidate.form} form` };
  if (own.length > 0)
    return { ...base, result: "matches-altered", note: own[0].mode === "direct" ? "signed the payload directly" : own[0].candidate.description };
  return { ...base, result: "no-match" };
}
