import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { bodyVariants } from "../diagnosis/body-variants.ts";
import { credentialOf, retirementFact } from "../diagnosis/credential-facts.ts";
import { decodeSignature, describeLength, type DecodedSignature } from "../diagnosis/decode-signature.ts";
import { splitMultipart, type SplitMultipart } from "../diagnosis/split-multipart.ts";
import { asActive } from "../retired-match.ts";
import { accept, type SchemeCredential, type SchemeFinding, type SignedRequest } from "../scheme.ts";
import { beginMaskit, MASKIT_IMAGE_PART, MASKIT_METADATA_PART, MASKIT_SIGNATURE_HEADER } from "./maskit-signature.ts";

// Why a MaskIt delivery's X-Signature did not verify, worked out from the quarantined body by
// running the scheme's own check (`accept`) with every secret of the source (revoked and
// expired ones as if active) over the body as received, over the ways senders and proxies are
// known to change a body (lib/schemes/diagnosis/body-variants.ts), over one part alone, and with
// the header's value rewritten to the encoding the receiver reads. What accept cannot say (a
// digest under another hash function, or none) is checked here, explicitly. Pure: findings are
// codes and facts (worded in lib/schemes/finding-text.ts), credentials named by label and
// fingerprint only.

/** Larger bodies are checked as received and part by part, but not rewritten. */
export const MAX_REWRITE_BYTES = 16 * 1024 * 1024;
const HMAC_BYTES = 32;
const OTHER_ALGORITHMS: Record<number, { name: string; algorithm: string }> = {
  16: { name: "HMAC-MD5", algorithm: "md5" },
  20: { name: "HMAC-SHA1", algorithm: "sha1" },
  48: { name: "HMAC-SHA384", algorithm: "sha384" },
  64: { name: "HMAC-SHA512", algorithm: "sha512" },
};
/** The codes of an exact match: over the body as received, with the header as sent. */
export const EXACT_MATCH_CODES = ["matches-active", "signed-with-revoked", "signed-with-expired"] as const;

export function diagnoseMaskit(request: SignedRequest, credentials: readonly SchemeCredential[], maxRewriteBytes = MAX_REWRITE_BYTES): SchemeFinding[] {
  const { body, headers } = request;
  const secrets = credentials.filter((credential) => credential.secret);
  const multipart = splitMultipart(body, headers.get("content-type"));
  const variants = variantsOf(body, multipart, maxRewriteBytes);
  const findings: SchemeFinding[] = [
    ...describeBody(body, multipart),
    { code: "bodies-checked", severity: "info", facts: { bodies: variants.map((variant) => variant.code) } },
  ];

  const signature = findSignatureHeader(headers);
  if (!signature) return [{ code: "signature-header-missing", severity: "error" }, ...findings];
  const decoded = decodeSignature(signature.value);
  findings.push(...describeHeader(signature, decoded));
  if (secrets.length === 0) return [...findings, { code: "no-secrets", severity: "error" }];

  const matches = findMatches(decoded, signature.header === MASKIT_SIGNATURE_HEADER, variants, secrets, body);
  findings.push(...matches);
  // Only a digest of the right size can tell "another secret" apart from "another algorithm".
  if (matches.length === 0 && decoded.bytes?.length === HMAC_BYTES) {
    const retired = secrets.filter((secret) => secret.state !== "active").length;
    findings.push({
      code: "unknown-secret",
      severity: "error",
      facts: { secrets: secrets.length, active: secrets.length - retired, retired, changedVersions: variants.length - 1 },
    });
  }
  return findings;
}

interface Variant {
  /** `body` for the body as received; a body-variant code, `image-part-only` or `metadata-part-only`. */
  code: string;
  body: Buffer;
}

function variantsOf(body: Buffer, multipart: SplitMultipart, maxRewriteBytes: number): Variant[] {
  const variants: Variant[] = [{ code: "body", body }];
  if (body.length <= maxRewriteBytes) variants.push(...bodyVariants(body));
  const image = multipart.parts.find((part) => part.name?.toLowerCase() === MASKIT_IMAGE_PART.toLowerCase());
  if (image) variants.push({ code: "image-part-only", body: image.data });
  const metadata = multipart.parts.find((part) => part.name?.toLowerCase() === MASKIT_METADATA_PART);
  if (metadata) variants.push({ code: "metadata-part-only", body: metadata.data });
  return variants;
}

/** X-Signature, or failing that a header that looks like a signature under another name. */
function findSignatureHeader(headers: Headers): { header: string; value: string } | null {
  const value = headers.get(MASKIT_SIGNATURE_HEADER);
  if (value !== null && value.trim() !== "") return { header: MASKIT_SIGNATURE_HEADER, value };
  for (const [name, text] of headers) if (/signature|hmac/i.test(name) && text.trim() !== "") return { header: name, value: text };
  return null;
}

function describeHeader(signature: { header: string; value: string }, decoded: DecodedSignature): SchemeFinding[] {
  const findings: SchemeFinding[] = [];
  if (signature.header !== MASKIT_SIGNATURE_HEADER)
    findings.push({ code: "signature-header-misnamed", severity: "error", facts: { header: signature.header } });
  if (decoded.prefix) findings.push({ code: "signature-prefix", severity: "warning", facts: { prefix: decoded.prefix.trim() } });
  if (decoded.hasInnerWhitespace) findings.push({ code: "signature-inner-whitespace", severity: "warning" });
  if (decoded.encoding === "base64") {
    findings.push({ code: "signature-base64", severity: "warning", facts: { bytes: decoded.bytes?.length ?? 0 } });
  } else if (decoded.encoding === "unreadable") {
    findings.push({ code: "signature-unreadable", severity: "error", facts: { length: describeLength(decoded) } });
  } else if (decoded.cleaned.length !== HMAC_BYTES * 2) {
    const other = decoded.cleaned.length % 2 === 0 ? OTHER_ALGORITHMS[decoded.cleaned.length / 2] : undefined;
    findings.push({
      code: "signature-wrong-length",
      severity: "error",
      facts: { length: describeLength(decoded), hexDigits: decoded.cleaned.length, ...(other ? { algorithm: other.name } : {}) },
    });
  } else if (decoded.hasUppercase || decoded.hasOuterWhitespace) {
    const what = [decoded.hasUppercase && "uppercase hex", decoded.hasOuterWhitespace && "whitespace around it"].filter(Boolean).join(" and ");
    findings.push({ code: "signature-format-fine", severity: "info", facts: { what } });
  }
  return findings;
}

function findMatches(
  decoded: DecodedSignature,
  isRightHeader: boolean,
  variants: Variant[],
  secrets: readonly SchemeCredential[],
  body: Buffer,
): SchemeFinding[] {
  const received = decoded.bytes;
  if (!received) return [];
  const matches: SchemeFinding[] = [];
  const isAsSent = isRightHeader && decoded.encoding === "hex" && !decoded.prefix && !decoded.hasInnerWhitespace;
  if (received.length === HMAC_BYTES) {
    // The value rewritten the way the receiver reads it, in the header it reads.
    const headers = new Headers({ [MASKIT_SIGNATURE_HEADER]: received.toString("hex") });
    const verifies = (secret: SchemeCredential, variant: Buffer) =>
      accept({ begin: beginMaskit }, { headers, body: variant }, [asActive(secret)], { now: new Date(0), options: {} }).accepted;
    for (const variant of variants) {
      for (const secret of secrets) {
        if (!verifies(secret, variant.body)) continue;
        const credential = credentialOf(secret);
        if (variant.code !== "body") matches.push({ code: variant.code, severity: "warning", credential });
        else if (!isAsSent)
          matches.push({ code: "encoding-only", severity: "warning", credential, facts: { how: decoded.encoding === "base64" ? "base64" : "prefix" } });
        else if (secret.state === "active") matches.push({ code: "matches-active", severity: "success", credential });
        else matches.push({ code: `signed-with-${secret.state}`, severity: "error", credential, facts: { retirement: retirementFact(secret) } });
      }
    }
    for (const secret of secrets) {
      for (const { variant, bytes } of secretVariants(secret.secret!)) {
        if (verifies({ ...secret, secret: bytes }, body))
          matches.push({ code: "secret-variant", severity: "warning", credential: credentialOf(secret), facts: { variant } });
      }
    }
    // Not an HMAC at all, so not something the scheme's accept could find.
    if (equal(createHash("sha256").update(body).digest(), received)) matches.push({ code: "unkeyed-sha256", severity: "error" });
  }
  const other = OTHER_ALGORITHMS[received.length];
  if (other) {
    for (const secret of secrets) {
      if (equal(createHmac(other.algorithm, secret.secret!).update(body).digest(), received))
        matches.push({ code: "other-algorithm", severity: "warning", credential: credentialOf(secret), facts: { algorithm: other.name } });
    }
  }
  return matches;
}

/** Generated secrets look like `whsec_<base64url>`: senders sometimes use only the part after the prefix, or its decoded bytes. */
function secretVariants(secret: Buffer): Array<{ variant: "without-prefix" | "base64-decoded"; bytes: Buffer }> {
  const text = secret.toString("utf8");
  if (!text.startsWith("whsec_") || text.length <= 6) return [];
  const rest = text.slice(6);
  return [
    { variant: "without-prefix", bytes: Buffer.from(rest) },
    { variant: "base64-decoded", bytes: Buffer.from(rest, "base64url") },
  ];
}

function describeBody(body: Buffer, multipart: SplitMultipart): SchemeFinding[] {
  if (body.length === 0) return [{ code: "body-empty", severity: "warning" }];
  const findings: SchemeFinding[] = [];
  if (multipart.problem) {
    findings.push({ code: "multipart-malformed", severity: "warning", facts: { problem: multipart.problem } });
  } else {
    const image = multipart.parts.find((part) => part.name?.toLowerCase() === MASKIT_IMAGE_PART.toLowerCase());
    if (!image) findings.push({ code: "image-part-missing", severity: "warning", facts: { parts: multipart.parts.map((part) => part.name ?? "(unnamed)") } });
    else if (!image.detectedType) findings.push({ code: "image-not-jpeg-png", severity: "warning", facts: { declaredType: image.declaredType ?? "no type" } });
  }
  if (multipart.hasBareLineFeeds) findings.push({ code: "bare-line-feeds", severity: "warning" });
  return findings;
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
