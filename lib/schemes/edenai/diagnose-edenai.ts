import { constants, verify } from "node:crypto";
import { InvalidJsonError, type JsonNode } from "../../json/json-tree.ts";
import { JSON_VARIANTS, serializeWithLayout } from "../../json/json-layouts.ts";
import { parseJsonOnce } from "../../json/parse-once.ts";
import { bodyVariants } from "../diagnosis/body-variants.ts";
import { credentialOf, retirementFact } from "../diagnosis/credential-facts.ts";
import { decodeSignature, type DecodedSignature } from "../diagnosis/decode-signature.ts";
import { asActive } from "../retired-match.ts";
import { accept, type SchemeCredential, type SchemeFinding, type SignedRequest } from "../scheme.ts";
import { lazyCanonicalForms } from "./canonical-forms.ts";
import { beginEdenai, checkHashAlgorithm, EDENAI_HASH_ALGORITHM_HEADER, EDENAI_SIGNATURE_HEADERS, keyBytes, matchingKey } from "./edenai-signature.ts";
import { EDENAI_PUBLISHED_PUBLIC_KEY, parseRsaPublicKey } from "./rsa-public-key.ts";

// Why an Eden AI delivery's signature did not verify: the header's shape, then the scheme's own
// check (`accept`) with each key of the source (revoked and expired ones as if active) and the
// header rewritten the way the receiver reads it, which says which documented form matched;
// then the one form check the verifier makes (matchingKey) over layouts Eden AI never
// documented (another indent, sorted keys, one line) and over changed bodies; and, explicitly,
// a different way of signing (the payload itself instead of its hex digest). Pure; findings are
// codes and facts, worded in lib/schemes/finding-text.ts.

/** The codes of an exact match: a documented form, with the header as sent. */
export const EXACT_MATCH_CODES = ["matches-active", "signed-with-revoked", "signed-with-expired"] as const;

interface Candidate {
  form: string;
  isDocumented: boolean;
  bytes: Buffer;
}

export function diagnoseEdenai(request: SignedRequest, credentials: readonly SchemeCredential[]): SchemeFinding[] {
  const { body, headers } = request;
  const findings: SchemeFinding[] = [];
  const signature = findSignatureHeader(headers, findings);
  const algorithm = headers.get(EDENAI_HASH_ALGORITHM_HEADER);
  if (checkHashAlgorithm(algorithm)) findings.push({ code: "unsupported-hash-algorithm", severity: "error", facts: { value: algorithm!.slice(0, 40) } });
  let tree: JsonNode | null = null;
  try {
    tree = parseJsonOnce(body);
  } catch (error) {
    if (!(error instanceof InvalidJsonError)) throw error;
    findings.push({ code: "body-not-json", severity: "error", facts: { problem: `${error.message} (at byte ${error.offset})` } });
  }
  const keys = credentials.filter((credential) => credential.publicKey);
  for (const credential of credentials)
    if (!credential.publicKey) findings.push({ code: "key-unreadable", severity: "warning", credential: credentialOf(credential) });
  publishedKeyNote(credentials, findings);
  const candidates = buildCandidates(body, tree);
  findings.push({
    code: "forms-tried",
    severity: "info",
    facts: { forms: candidates.filter((c) => c.isDocumented).map((c) => c.form), layouts: candidates.filter((c) => !c.isDocumented).map((c) => c.form) },
  });

  const decoded = signature ? decodeSignature(signature.value) : null;
  if (decoded) describeEncoding(decoded, keys, findings);
  if (!decoded?.bytes) return findings;
  const isAsSent = signature!.isRead && decoded.encoding === "hex" && !decoded.prefix && !decoded.hasInnerWhitespace;
  const matches = findMatches(decoded.bytes, body, tree !== null, candidates, keys, isAsSent);
  findings.push(...matches);
  if (matches.length === 0) findings.push({ code: "unknown-key", severity: "error", facts: { keys: keys.length, candidates: candidates.length } });
  return findings;
}

function findSignatureHeader(headers: Headers, findings: SchemeFinding[]): { header: string; value: string; isRead: boolean } | null {
  const [correct, misspelt] = EDENAI_SIGNATURE_HEADERS;
  const value = headers.get(correct);
  if (value?.trim()) return { header: correct, value, isRead: true };
  const old = headers.get(misspelt);
  if (old?.trim()) {
    findings.push({ code: "signature-header-misspelt", severity: "info" });
    return { header: misspelt, value: old, isRead: true };
  }
  for (const [name, text] of headers) {
    if (!/signature/i.test(name) || text.trim() === "") continue;
    findings.push({ code: "signature-header-misnamed", severity: "error", facts: { header: name } });
    return { header: name, value: text, isRead: false };
  }
  findings.push({ code: "signature-header-missing", severity: "error" });
  return null;
}

function buildCandidates(rawBody: Buffer, tree: JsonNode | null): Candidate[] {
  const candidates: Candidate[] = [];
  // Documented forms are all listed, even when two give the same bytes (a body sent in the
  // sorted form is also its own raw body); the other layouts only when they add something.
  const add = (candidate: Candidate) => {
    if (candidate.isDocumented || !candidates.some((existing) => existing.bytes.equals(candidate.bytes))) candidates.push(candidate);
  };
  if (tree) for (const { form, bytes } of lazyCanonicalForms(rawBody, tree)) add({ form, isDocumented: true, bytes });
  else add({ form: "raw-body", isDocumented: true, bytes: rawBody });
  if (tree) {
    for (const variant of JSON_VARIANTS) {
      const text = serializeWithLayout(tree, variant.layout);
      if (text.isWellFormed()) add({ form: variant.name, isDocumented: false, bytes: Buffer.from(text, "utf8") });
    }
  }
  for (const variant of bodyVariants(rawBody)) add({ form: variant.code, isDocumented: false, bytes: variant.body });
  return candidates;
}

function findMatches(
  signature: Buffer,
  body: Buffer,
  isJson: boolean,
  candidates: Candidate[],
  keys: readonly SchemeCredential[],
  isAsSent: boolean,
): SchemeFinding[] {
  const matches: SchemeFinding[] = [];
  // The header as the receiver reads it: bare hex, in X-Edenai-Signature, no algorithm header.
  const headers = new Headers({ [EDENAI_SIGNATURE_HEADERS[0]]: signature.toString("hex") });
  for (const key of keys) {
    const credential = credentialOf(key);
    const documented = documentedMatch(signature, body, isJson, headers, key, candidates);
    if (documented) {
      const facts = { form: documented, documented: 1 };
      if (!isAsSent) matches.push({ code: "encoding-only", severity: "warning", credential, facts });
      else if (key.state === "active") matches.push({ code: "matches-active", severity: "success", credential, facts });
      else matches.push({ code: `signed-with-${key.state}`, severity: "error", credential, facts: { ...facts, retirement: retirementFact(key) } });
      continue;
    }
    const layout = candidates.find(
      (candidate) => !candidate.isDocumented && keyBytes(key.publicKey!) === signature.length && matchingKey(signature, candidate, [key]),
    );
    if (layout) {
      matches.push({ code: "other-layout", severity: "warning", credential, facts: { form: layout.form, documented: 0 } });
      continue;
    }
    // Not the scheme's way of signing, so not something accept could find: RSA over the payload itself.
    const direct =
      keyBytes(key.publicKey!) === signature.length
        ? candidates.find((candidate) => verify("sha256", candidate.bytes, { key: key.publicKey!, padding: constants.RSA_PKCS1_PADDING }, signature))
        : undefined;
    if (direct)
      matches.push({ code: "signed-directly", severity: "warning", credential, facts: { form: direct.form, documented: direct.isDocumented ? 1 : 0 } });
  }
  return matches;
}

/** The documented form `accept` matches with this key alone; for a body that is not JSON (which accept refuses), the raw-body form. */
function documentedMatch(signature: Buffer, body: Buffer, isJson: boolean, headers: Headers, key: SchemeCredential, candidates: Candidate[]): string | null {
  if (!isJson) return matchingKey(signature, candidates[0], [key]) ? "raw-body" : null;
  const verdict = accept({ begin: beginEdenai }, { headers, body }, [asActive(key)], { now: new Date(0), options: {} });
  return verdict.accepted ? (verdict.detail ?? "raw-body") : null;
}

function publishedKeyNote(credentials: readonly SchemeCredential[], findings: SchemeFinding[]): void {
  const published = parseRsaPublicKey(EDENAI_PUBLISHED_PUBLIC_KEY).fingerprint;
  const entry = credentials.find((credential) => credential.fingerprint === published);
  if (entry?.state === "active") return;
  findings.push({ code: "published-key-not-active", severity: "info", facts: { state: entry ? retirementFact(entry) : "absent" } });
}

function describeEncoding(decoded: DecodedSignature, keys: readonly SchemeCredential[], findings: SchemeFinding[]): void {
  if (decoded.prefix) findings.push({ code: "signature-prefix", severity: "warning", facts: { prefix: decoded.prefix.trim() } });
  if (decoded.encoding === "base64") findings.push({ code: "signature-base64", severity: "warning", facts: { bytes: decoded.bytes?.length ?? 0 } });
  if (decoded.encoding === "unreadable" || !decoded.bytes) {
    findings.push({ code: "signature-unreadable", severity: "error" });
    return;
  }
  const sizes = [...new Set(keys.map((key) => keyBytes(key.publicKey!)))];
  if (sizes.length > 0 && !sizes.includes(decoded.bytes.length)) {
    findings.push({ code: "signature-length", severity: "warning", facts: { bytes: decoded.bytes.length, keyBits: sizes.map((size) => `${size * 8}-bit`) } });
  }
}
