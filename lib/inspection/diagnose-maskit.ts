import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { IMAGE_FIELD, METADATA_FIELD } from "../ingest/read-multipart.ts";
import { MASKIT_SIGNATURE_HEADER } from "../signatures/maskit.ts";
import { decodeSignature, describeLength, type DecodedSignature } from "./decode-signature.ts";
import { credentialOf, describeRetirement, nameCredential, sortFindings, type CredentialResult, type DiagnosticCredential, type Finding } from "./findings.ts";
import { splitMultipart, type SplitMultipart } from "./split-multipart.ts";

// Why a MaskIt delivery's X-Signature did not verify, worked out from the quarantined body:
// the header's shape, then the HMAC of every secret of the source (revoked and expired ones
// too) over the body as received and over the ways senders and proxies are known to change a
// body (a trailing newline, line endings, signing one part only), and over other encodings of
// the same HMAC. Pure: no I/O, secrets in, labels and fingerprints out.

export interface MaskitDiagnosticSecret extends DiagnosticCredential {
  secret: Buffer;
}

export interface MaskitDiagnosisInput {
  rawBody: Buffer;
  /** As received (names in lower case), e.g. a delivery's stored headers. */
  headers: Record<string, string>;
  secrets: readonly MaskitDiagnosticSecret[];
  /** Larger bodies are checked as received and part by part, but not rewritten. */
  maxRewriteBytes?: number;
}

export interface MaskitDiagnosis {
  /** The header the signature was read from (X-Signature, or a look-alike) and its value. */
  signature: { header: string; value: string } | null;
  decoded: DecodedSignature | null;
  multipart: Omit<SplitMultipart, "parts"> & { parts: Array<Omit<SplitMultipart["parts"][number], "data">> };
  credentials: CredentialResult[];
  /** Descriptions of every version of the body that was checked, the body as received first. */
  bodiesChecked: string[];
  findings: Finding[];
}

interface BodyVariant {
  kind: string;
  /** Completes "It matches …". */
  label: string;
  explanation: string;
  chunks: Buffer[];
}

interface Match {
  /** Null for a digest that needs no secret. */
  secret: MaskitDiagnosticSecret | null;
  /** The body variant, or another way of computing the same HMAC. */
  kind: string;
  title: string;
  detail: string;
}

const DEFAULT_MAX_REWRITE_BYTES = 16 * 1024 * 1024;
const HMAC_BYTES = 32;
const OTHER_ALGORITHMS: Record<number, { name: string; algorithm: string }> = {
  16: { name: "HMAC-MD5", algorithm: "md5" },
  20: { name: "HMAC-SHA1", algorithm: "sha1" },
  48: { name: "HMAC-SHA384", algorithm: "sha384" },
  64: { name: "HMAC-SHA512", algorithm: "sha512" },
};

export function diagnoseMaskit(input: MaskitDiagnosisInput): MaskitDiagnosis {
  const { rawBody, secrets } = input;
  const multipart = splitMultipart(rawBody, input.headers["content-type"] ?? null);
  const findings: Finding[] = [...describeBody(rawBody, multipart)];
  const signature = findSignatureHeader(input.headers);
  const variants = bodyVariants(rawBody, multipart, input.maxRewriteBytes ?? DEFAULT_MAX_REWRITE_BYTES);
  const report = (decoded: DecodedSignature | null, matches: Match[], extra: Finding[]): MaskitDiagnosis => ({
    signature,
    decoded,
    multipart: { ...multipart, parts: multipart.parts.map(({ data: _data, ...part }) => part) },
    credentials: secrets.map((secret) => resultFor(secret, matches)),
    bodiesChecked: variants.map((variant) => variant.label),
    findings: sortFindings([...extra, ...findings]),
  });

  if (!signature) {
    return report(
      null,
      [],
      [
        {
          kind: "signature-header-missing",
          severity: "error",
          title: "The request had no X-Signature header",
          detail:
            "MaskIt signs every delivery in X-Signature. Without it nothing can be verified: the request may not come from MaskIt, or a proxy on the way dropped the header.",
        },
      ],
    );
  }
  const decoded = decodeSignature(signature.value);
  const headerFindings = describeHeader(signature, decoded);
  if (secrets.length === 0) {
    headerFindings.push({
      kind: "no-secrets",
      severity: "error",
      title: "This source has no secrets",
      detail: "There is nothing to check the signature against. Add the sender's shared secret on the source page, then re-verify this delivery.",
    });
    return report(decoded, [], headerFindings);
  }

  const matches = findMatches(decoded, variants, secrets, rawBody);
  const matchFindings = matches.map(toFinding);
  // Only a digest of the right size can tell "another secret" apart from "another algorithm".
  if (matches.length === 0 && decoded.bytes?.length === HMAC_BYTES) {
    const retired = secrets.filter((secret) => secret.state !== "active").length;
    matchFindings.push({
      kind: "unknown-secret",
      severity: "error",
      title: "The sender probably signs with a secret this source does not have, or the body was altered on the way",
      detail:
        `None of this source's ${plural(secrets.length, "secret")} (${secrets.length - retired} active, ${retired} revoked or expired) produced this signature, ` +
        `over the body as received or ${plural(variants.length - 1, "changed version")} of it. ` +
        "Either the sender uses another secret (if you know it, add it on the source page with Paste one I already have, then re-verify this delivery), " +
        "or something between the sender and here (a proxy, an antivirus, a re-encoding) changed bytes of the body after it was signed: then no secret will ever match it.",
    });
  }
  return report(decoded, matches, [...headerFindings, ...matchFindings]);
}

/** X-Signature, or failing that a header that looks like a signature under another name. */
function findSignatureHeader(headers: Record<string, string>): { header: string; value: string } | null {
  const value = headers[MASKIT_SIGNATURE_HEADER];
  if (value !== undefined && value.trim() !== "") return { header: "X-Signature", value };
  const lookAlike = Object.entries(headers).find(([name, text]) => name !== MASKIT_SIGNATURE_HEADER && /signature|hmac/i.test(name) && text.trim() !== "");
  return lookAlike ? { header: lookAlike[0], value: lookAlike[1] } : null;
}

function describeHeader(signature: { header: string; value: string }, decoded: DecodedSignature): Finding[] {
  const findings: Finding[] = [];
  if (signature.header !== "X-Signature") {
    findings.push({
      kind: "signature-header-misnamed",
      severity: "error",
      title: `No X-Signature header, but a ${signature.header} header`,
      detail: `MaskIt's signature header is X-Signature. The sender put a signature in ${signature.header}; the receiver does not read that header. The checks below use its value.`,
    });
  }
  if (decoded.prefix) {
    findings.push({
      kind: "signature-prefix",
      severity: "warning",
      title: `The signature starts with “${decoded.prefix.trim()}”`,
      detail:
        "MaskIt sends the bare hex digest. The receiver does not strip a prefix, so this signature can never verify as sent; the checks below ignore the prefix.",
    });
  }
  if (decoded.hasInnerWhitespace) {
    findings.push({
      kind: "signature-inner-whitespace",
      severity: "warning",
      title: "The signature has whitespace inside it",
      detail: "The receiver accepts whitespace around the hex digest, not inside it.",
    });
  }
  if (decoded.encoding === "base64") {
    const length = decoded.bytes?.length ?? 0;
    findings.push({
      kind: "signature-base64",
      severity: "warning",
      title: "The signature is base64, where hex was expected",
      detail:
        length === HMAC_BYTES
          ? "Decoded from base64 it is 32 bytes, the size of an HMAC-SHA256: the sender probably encodes the right digest the wrong way. It must send it as 64 hexadecimal characters."
          : `Decoded from base64 it is ${length} bytes; an HMAC-SHA256 is 32 bytes (64 hexadecimal characters).`,
    });
  } else if (decoded.encoding === "unreadable") {
    findings.push({
      kind: "signature-unreadable",
      severity: "error",
      title: "The signature is neither hexadecimal nor base64",
      detail: `X-Signature should be 64 hexadecimal characters. This value (${describeLength(decoded)}) cannot be read as a digest at all.`,
    });
  } else if (decoded.cleaned.length !== HMAC_BYTES * 2) {
    findings.push({
      kind: "signature-wrong-length",
      severity: "error",
      title: `The signature has the wrong length: ${describeLength(decoded)}`,
      detail: guessFromLength(decoded.cleaned.length),
    });
  } else if (decoded.hasUppercase || decoded.hasOuterWhitespace) {
    const what = [decoded.hasUppercase && "uppercase hex", decoded.hasOuterWhitespace && "whitespace around it"].filter(Boolean).join(" and ");
    findings.push({
      kind: "signature-format-fine",
      severity: "info",
      title: `The signature is the right length, in ${what}`,
      detail: "That is fine: hex case and surrounding whitespace do not matter. The signature itself does not match, see below.",
    });
  }
  return findings;
}

function guessFromLength(hexDigits: number): string {
  const expected = "An HMAC-SHA256 in hex has 64 characters (32 bytes).";
  const algorithm = OTHER_ALGORITHMS[hexDigits / 2];
  if (hexDigits % 2 === 0 && algorithm) return `${expected} This length is that of ${algorithm.name}: the sender may use another hash function.`;
  if (hexDigits < 64) return `${expected} This one is shorter: it looks cut off, by the sender or by something on the way.`;
  return `${expected} This one is longer: it may carry extra characters, or be another kind of digest.`;
}

function bodyVariants(body: Buffer, multipart: SplitMultipart, maxRewriteBytes: number): BodyVariant[] {
  const variants: BodyVariant[] = [{ kind: "body", label: "the body as received", explanation: "", chunks: [body] }];
  if (body.length <= maxRewriteBytes) {
    const signedAs =
      "The sender signed other bytes than the ones that arrived: check the sender's signing code, and anything between it and this server that rewrites bodies (a proxy, a text-mode transfer).";
    variants.push(
      {
        kind: "trailing-newline-added",
        label: "the body with a trailing newline (LF) added",
        explanation: `The sender signed the body with a newline at its end that did not arrive. ${signedAs}`,
        chunks: [body, Buffer.from("\n")],
      },
      {
        kind: "trailing-crlf-added",
        label: "the body with a trailing CRLF added",
        explanation: `The sender signed the body with a CRLF line break at its end that did not arrive. ${signedAs}`,
        chunks: [body, Buffer.from("\r\n")],
      },
    );
    const trimmed = stripTrailingNewline(body);
    if (trimmed)
      variants.push({
        kind: "trailing-newline-removed",
        label: "the body with its trailing newline removed",
        explanation: `The sender signed the body without the newline it ends with: the newline was added after signing. ${signedAs}`,
        chunks: [trimmed],
      });
    if (body.includes("\r\n")) {
      variants.push({
        kind: "crlf-to-lf",
        label: "the body with its CRLF line endings converted to LF",
        explanation: `The sender signed a version of the body with LF line endings, but it arrived with CRLF. ${signedAs}`,
        chunks: [convertCrlfToLf(body)],
      });
    }
    if (hasBareLf(body)) {
      variants.push({
        kind: "lf-to-crlf",
        label: "the body with its LF line endings converted to CRLF",
        explanation: `The sender signed the body with CRLF line endings, and something on the way turned them into LF. ${signedAs}`,
        chunks: [convertLfToCrlf(body)],
      });
    }
  }
  const image = multipart.parts.find((part) => part.name?.toLowerCase() === IMAGE_FIELD);
  if (image) {
    variants.push({
      kind: "image-part-only",
      label: "the image part alone",
      explanation:
        "The sender signs only the image bytes (the maskedImage part), not the whole request body as MaskIt does. Its signing code must sign the raw body exactly as sent.",
      chunks: [image.data],
    });
  }
  const metadata = multipart.parts.find((part) => part.name?.toLowerCase() === METADATA_FIELD);
  if (metadata) {
    variants.push({
      kind: "metadata-part-only",
      label: "the metadata part alone",
      explanation:
        "The sender signs only the metadata text, not the whole request body as MaskIt does. Its signing code must sign the raw body exactly as sent.",
      chunks: [metadata.data],
    });
  }
  return variants;
}

function findMatches(decoded: DecodedSignature, variants: BodyVariant[], secrets: readonly MaskitDiagnosticSecret[], body: Buffer): Match[] {
  const received = decoded.bytes;
  if (!received) return [];
  const matches: Match[] = [];
  const isAsSent = decoded.encoding === "hex" && !decoded.prefix && !decoded.hasInnerWhitespace;
  if (received.length === HMAC_BYTES) {
    for (const variant of variants) {
      for (const secret of secrets) {
        if (!equal(hmac("sha256", secret.secret, variant.chunks), received)) continue;
        matches.push(describeMatch(secret, variant, isAsSent, decoded));
      }
    }
    for (const secret of secrets) {
      for (const key of secretVariants(secret.secret)) {
        if (!equal(hmac("sha256", key.bytes, [body]), received)) continue;
        matches.push({ secret, kind: "secret-variant", title: `It matches ${nameCredential(secret)} ${key.label}`, detail: key.explanation });
      }
    }
    if (equal(createHash("sha256").update(body).digest(), received)) {
      matches.push({
        secret: null,
        kind: "unkeyed-sha256",
        title: "The signature is a plain SHA-256 of the body, with no secret",
        detail: "Anyone can compute that, so it proves nothing. The sender must sign with HMAC-SHA256 under the shared secret.",
      });
    }
  }
  const other = OTHER_ALGORITHMS[received.length];
  if (other) {
    for (const secret of secrets) {
      if (!equal(hmac(other.algorithm, secret.secret, [body]), received)) continue;
      matches.push({
        secret,
        kind: "other-algorithm",
        title: `It is ${other.name} of the body under ${nameCredential(secret)}`,
        detail: `The sender uses the right secret with the wrong hash function: MaskIt signs with HMAC-SHA256, which is what the receiver checks.`,
      });
    }
  }
  return matches;
}

function describeMatch(secret: MaskitDiagnosticSecret, variant: BodyVariant, isAsSent: boolean, decoded: DecodedSignature): Match {
  if (variant.kind !== "body") {
    return { secret, kind: variant.kind, title: `It matches ${variant.label}, under ${nameCredential(secret)}`, detail: variant.explanation };
  }
  if (!isAsSent) {
    const how = decoded.encoding === "base64" ? "read as base64" : "once its prefix or whitespace is removed";
    return {
      secret,
      kind: "encoding-only",
      title: `It is the right HMAC under ${nameCredential(secret)}, ${how}`,
      detail:
        "The secret and the body are right; only the way the signature is written is not. The sender must send the bare 64-character hex digest in X-Signature.",
    };
  }
  if (secret.state === "active") {
    return {
      secret,
      kind: "matches-active",
      title: `It matches the active secret ${nameCredential(secret)}`,
      detail: "The secret was probably added after this delivery arrived. Re-verify to accept the delivery.",
    };
  }
  const retirement = describeRetirement(secret);
  return secret.state === "revoked"
    ? {
        secret,
        kind: "signed-with-revoked",
        title: `It was signed with ${nameCredential(secret)}, a revoked secret`,
        detail: `That secret was ${retirement}, and the sender still signs with it. Give the sender the source's current secret. A revoked secret cannot be made active again, so this delivery cannot be re-verified with it.`,
      }
    : {
        secret,
        kind: "signed-with-expired",
        title: `It was signed with ${nameCredential(secret)}, an expired secret`,
        detail: `That secret ${retirement}, at the end of a rotation, and the sender still signs with it: it has not switched to the new secret. Give the sender the current secret.`,
      };
}

function toFinding(match: Match): Finding {
  const severity = match.kind === "matches-active" ? "success" : match.kind.startsWith("signed-with") || match.kind === "unkeyed-sha256" ? "error" : "warning";
  return { kind: match.kind, severity, title: match.title, detail: match.detail, ...(match.secret ? { credential: credentialOf(match.secret) } : {}) };
}

function resultFor(secret: MaskitDiagnosticSecret, matches: Match[]): CredentialResult {
  const own = matches.filter((match) => match.secret?.id === secret.id);
  const exact = own.find((match) => ["matches-active", "signed-with-revoked", "signed-with-expired"].includes(match.kind));
  const base = { id: secret.id, label: secret.label, fingerprint: secret.fingerprint, state: secret.state, retiredAt: secret.retiredAt };
  if (exact) return { ...base, result: "matches" };
  if (own.length > 0) return { ...base, result: "matches-altered", note: own[0].title };
  return { ...base, result: "no-match" };
}

/** Generated secrets look like `whsec_<base64url>`: senders sometimes use only the part after the prefix, or its decoded bytes. */
function secretVariants(secret: Buffer): Array<{ label: string; explanation: string; bytes: Buffer }> {
  const text = secret.toString("utf8");
  if (!text.startsWith("whsec_") || text.length <= 6) return [];
  const rest = text.slice(6);
  return [
    {
      label: "without its “whsec_” prefix",
      explanation: "The sender signs with the secret minus its “whsec_” prefix. The whole string, prefix included, is the secret.",
      bytes: Buffer.from(rest),
    },
    {
      label: "decoded from base64",
      explanation: "The sender decodes the part after “whsec_” from base64 and signs with those bytes. The whole string, as text, is the secret.",
      bytes: Buffer.from(rest, "base64url"),
    },
  ];
}

function describeBody(body: Buffer, multipart: SplitMultipart): Finding[] {
  const findings: Finding[] = [];
  if (body.length === 0)
    return [
      {
        kind: "body-empty",
        severity: "warning",
        title: "The body is empty",
        detail: "A MaskIt delivery carries a metadata part and an image; this request carried no bytes at all.",
      },
    ];
  if (multipart.problem) {
    findings.push({
      kind: "multipart-malformed",
      severity: "warning",
      title: "The body is not well-formed multipart",
      detail: `${capitalize(multipart.problem)}. The receiver refuses such a body (400) even when its signature is right.`,
    });
  } else {
    const image = multipart.parts.find((part) => part.name?.toLowerCase() === IMAGE_FIELD);
    if (!image)
      findings.push({
        kind: "image-part-missing",
        severity: "warning",
        title: "The body has no maskedImage part",
        detail: `Parts found: ${multipart.parts.map((part) => part.name ?? "(unnamed)").join(", ") || "none"}. Even with a valid signature the receiver refuses a body without an image (400).`,
      });
    else if (!image.detectedType)
      findings.push({
        kind: "image-not-jpeg-png",
        severity: "warning",
        title: "The image part is not a JPEG or PNG by its bytes",
        detail: `It was declared as ${image.declaredType ?? "no type"}. The receiver refuses other files (415) even with a valid signature.`,
      });
  }
  if (multipart.hasBareLineFeeds) {
    findings.push({
      kind: "bare-line-feeds",
      severity: "warning",
      title: "Lines in the multipart framing end in LF, not CRLF",
      detail:
        "Multipart bodies use CRLF line breaks. Bare LFs suggest the body was converted on its way (a text-mode transfer or a rewriting proxy), which changes the bytes the signature covers.",
    });
  }
  return findings;
}

function hmac(algorithm: string, key: Buffer, chunks: Buffer[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const chunk of chunks) mac.update(chunk);
  return mac.digest();
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function stripTrailingNewline(body: Buffer): Buffer | null {
  if (body.at(-1) !== 0x0a) return null;
  return body.subarray(0, body.length - (body.at(-2) === 0x0d ? 2 : 1));
}

function convertCrlfToLf(body: Buffer): Buffer {
  return Buffer.from(body.toString("latin1").replaceAll("\r\n", "\n"), "latin1");
}

function convertLfToCrlf(body: Buffer): Buffer {
  return Buffer.from(body.toString("latin1").replace(/(?<!\r)\n/g, "\r\n"), "latin1");
}

function hasBareLf(body: Buffer): boolean {
  for (let at = body.indexOf(0x0a); at !== -1; at = body.indexOf(0x0a, at + 1)) if (at === 0 || body[at - 1] !== 0x0d) return true;
  return false;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
