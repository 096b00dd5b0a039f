import { JSON_VARIANTS } from "../json/json-layouts.ts";
import { type FindingTable, renderFinding } from "./common/findings.ts";
import { CANONICAL_FORM_DESCRIPTIONS, type CanonicalForm } from "./edenai/canonical-forms.ts";
import { GITHUB_FINDINGS } from "./github/findings.ts";
import { HMAC_FINDINGS } from "./hmac/findings.ts";
import type { SchemeFinding } from "./scheme.ts";
import { STANDARD_WEBHOOKS_FINDINGS } from "./standard-webhooks/findings.ts";
import { STRIPE_FINDINGS } from "./stripe/findings.ts";

// The words of every finding, in one table: a scheme's diagnosis returns codes and facts
// (lib/schemes/scheme.ts), the inspector shows them through here. A code may read differently
// per kind (MaskIt has secrets and X-Signature, Eden AI keys and X-Edenai-Signature): such an
// entry is keyed by kind. Tests assert codes; only this file's own test reads the English.

export interface FindingText {
  title: string;
  /** Plain language: what it means and what to do. */
  detail: string;
}

type Facts = NonNullable<SchemeFinding["facts"]>;
type Template = (facts: Facts, credential: string) => FindingText;

/** Findings that describe what was checked rather than what is wrong: shown as tables, not in the list. */
export const REPORT_CODES: ReadonlySet<string> = new Set(["bodies-checked", "forms-tried"]);

const SIGNED_AS =
  "The sender signed other bytes than the ones that arrived: check the sender's signing code, and anything between it and this server that rewrites bodies (a proxy, a text-mode transfer).";

/** How a body the diagnosis tried is named ("It matches …"); MaskIt's bodies checked and Eden AI's layouts. */
export const BODY_LABELS: Readonly<Record<string, string>> = {
  body: "the body as received",
  "trailing-newline-added": "the body with a trailing newline (LF) added",
  "trailing-crlf-added": "the body with a trailing CRLF added",
  "trailing-newline-removed": "the body with its trailing newline removed",
  "crlf-to-lf": "the body with its CRLF line endings converted to LF",
  "lf-to-crlf": "the body with its LF line endings converted to CRLF",
  "image-part-only": "the image part alone",
  "metadata-part-only": "the metadata part alone",
  ...Object.fromEntries(JSON_VARIANTS.map((variant) => [variant.name, variant.description])),
};

const BODY_EXPLANATIONS: Readonly<Record<string, string>> = {
  "trailing-newline-added": `The sender signed the body with a newline at its end that did not arrive. ${SIGNED_AS}`,
  "trailing-crlf-added": `The sender signed the body with a CRLF line break at its end that did not arrive. ${SIGNED_AS}`,
  "trailing-newline-removed": `The sender signed the body without the newline it ends with: the newline was added after signing. ${SIGNED_AS}`,
  "crlf-to-lf": `The sender signed a version of the body with LF line endings, but it arrived with CRLF. ${SIGNED_AS}`,
  "lf-to-crlf": `The sender signed the body with CRLF line endings, and something on the way turned them into LF. ${SIGNED_AS}`,
  "image-part-only":
    "The sender signs only the image bytes (the maskedImage part), not the whole request body as MaskIt does. Its signing code must sign the raw body exactly as sent.",
  "metadata-part-only":
    "The sender signs only the metadata text, not the whole request body as MaskIt does. Its signing code must sign the raw body exactly as sent.",
};

const TEXT: Readonly<Record<string, Template | Readonly<Record<string, Template>>>> = {
  // The header
  "signature-header-missing": {
    maskit: () => ({
      title: "The request had no X-Signature header",
      detail:
        "MaskIt signs every delivery in X-Signature. Without it nothing can be verified: the request may not come from MaskIt, or a proxy on the way dropped the header.",
    }),
    edenai: () => ({
      title: "The request had no X-Edenai-Signature header",
      detail:
        "Eden AI signs webhooks only when signing is set up for the webhook; without a signature nothing can be verified. The request may also not come from Eden AI.",
    }),
  },
  "signature-header-misnamed": {
    maskit: ({ header }) => ({
      title: `No X-Signature header, but a ${header} header`,
      detail: `MaskIt's signature header is X-Signature. The sender put a signature in ${header}; the receiver does not read that header. The checks below use its value.`,
    }),
    edenai: ({ header }) => ({
      title: `No X-Edenai-Signature header, but a ${header} header`,
      detail: `The receiver reads X-Edenai-Signature (or the misspelt X-Edenai-Signautre). The checks below use the value of ${header}.`,
    }),
  },
  "signature-header-misspelt": () => ({
    title: "The signature came in X-Edenai-Signautre",
    detail: "That is the older docs' misspelling. The receiver accepts it.",
  }),
  "unsupported-hash-algorithm": ({ value }) => ({
    title: `X-Edenai-Hash-Algorithm is “${value}”`,
    detail: "Only SHA256 is supported; the receiver refuses any other before it checks the signature, and so would a re-verification.",
  }),
  "signature-prefix": {
    maskit: ({ prefix }) => ({
      title: `The signature starts with “${prefix}”`,
      detail:
        "MaskIt sends the bare hex digest. The receiver does not strip a prefix, so this signature can never verify as sent; the checks below ignore the prefix.",
    }),
    edenai: ({ prefix }) => ({
      title: `The signature starts with “${prefix}”`,
      detail: "Eden AI sends the bare hex signature; the receiver does not strip a prefix. The checks below ignore it.",
    }),
  },
  "signature-inner-whitespace": () => ({
    title: "The signature has whitespace inside it",
    detail: "The receiver accepts whitespace around the hex digest, not inside it.",
  }),
  "signature-base64": {
    maskit: ({ bytes }) => ({
      title: "The signature is base64, where hex was expected",
      detail:
        bytes === 32
          ? "Decoded from base64 it is 32 bytes, the size of an HMAC-SHA256: the sender probably encodes the right digest the wrong way. It must send it as 64 hexadecimal characters."
          : `Decoded from base64 it is ${bytes} bytes; an HMAC-SHA256 is 32 bytes (64 hexadecimal characters).`,
    }),
    edenai: () => ({
      title: "The signature is base64, where hex was expected",
      detail: "The receiver reads the signature as hexadecimal only. The checks below decode it from base64.",
    }),
  },
  "signature-unreadable": {
    maskit: ({ length }) => ({
      title: "The signature is neither hexadecimal nor base64",
      detail: `X-Signature should be 64 hexadecimal characters. This value (${length}) cannot be read as a digest at all.`,
    }),
    edenai: () => ({
      title: "The signature cannot be read as hex or base64",
      detail: "An RSA signature in hex has twice as many characters as the key has bytes (768 for a 3072-bit key).",
    }),
  },
  "signature-wrong-length": ({ length, hexDigits, algorithm }) => {
    const expected = "An HMAC-SHA256 in hex has 64 characters (32 bytes).";
    const detail = algorithm
      ? `${expected} This length is that of ${algorithm}: the sender may use another hash function.`
      : Number(hexDigits) < 64
        ? `${expected} This one is shorter: it looks cut off, by the sender or by something on the way.`
        : `${expected} This one is longer: it may carry extra characters, or be another kind of digest.`;
    return { title: `The signature has the wrong length: ${length}`, detail };
  },
  "signature-format-fine": ({ what }) => ({
    title: `The signature is the right length, in ${what}`,
    detail: "That is fine: hex case and surrounding whitespace do not matter. The signature itself does not match, see below.",
  }),
  "signature-length": ({ bytes, keyBits }) => ({
    title: `The signature is ${bytes} bytes, the size made by a ${Number(bytes) * 8}-bit key`,
    detail: `This source's keys are ${list(keyBits).join(" and ")}, so none of them can have made it: the sender signs with a key of another size, or the signature was cut off.`,
  }),

  // The credentials
  "no-secrets": () => ({
    title: "This source has no secrets",
    detail: "There is nothing to check the signature against. Add the sender's shared secret on the source page, then re-verify this delivery.",
  }),
  "key-unreadable": (_facts, credential) => ({
    title: `The key ${credential} cannot be read`,
    detail: "Its stored PEM does not load as a public key, so it was not tried.",
  }),
  "published-key-not-active": ({ state }) => ({
    title: state === "absent" ? "Eden AI's published key is not a credential of this source" : `Eden AI's published key is ${state} on this source`,
    detail:
      "Deliveries signed by Eden AI's own servers verify only with its published key (SPKI SHA-256 3e527dfd…). That is expected if this source receives from another signer.",
  }),

  // Matches
  "matches-active": {
    maskit: (_facts, credential) => ({
      title: `It matches the active secret ${credential}`,
      detail: "The secret was probably added after this delivery arrived. Re-verify to accept the delivery.",
    }),
    edenai: (facts, credential) => ({
      title: `It matches the active key ${credential} ${over(facts)}`,
      detail: "The key was probably added after this delivery arrived. Re-verify to accept the delivery.",
    }),
  },
  "signed-with-revoked": {
    maskit: ({ retirement }, credential) => ({
      title: `It was signed with ${credential}, a revoked secret`,
      detail: `That secret was ${retirement}, and the sender still signs with it. Give the sender the source's current secret. A revoked secret cannot be made active again, so this delivery cannot be re-verified with it.`,
    }),
    edenai: (facts, credential) => retiredKey("revoked", facts, credential),
  },
  "signed-with-expired": {
    maskit: ({ retirement }, credential) => ({
      title: `It was signed with ${credential}, an expired secret`,
      detail: `That secret ${retirement}, at the end of a rotation, and the sender still signs with it: it has not switched to the new secret. Give the sender the current secret.`,
    }),
    edenai: (facts, credential) => retiredKey("expired", facts, credential),
  },
  "encoding-only": {
    maskit: ({ how }, credential) => ({
      title: `It is the right HMAC under ${credential}, ${how === "base64" ? "read as base64" : "once its prefix or whitespace is removed"}`,
      detail:
        "The secret and the body are right; only the way the signature is written is not. The sender must send the bare 64-character hex digest in X-Signature.",
    }),
    edenai: (facts, credential) => ({
      title: `It is the right signature by ${credential}, written the wrong way`,
      detail: `It matches ${over(facts)} once decoded, but the receiver reads only a bare hex signature.`,
    }),
  },
  "secret-variant": ({ variant }, credential) =>
    variant === "without-prefix"
      ? {
          title: `It matches ${credential} without its “whsec_” prefix`,
          detail: "The sender signs with the secret minus its “whsec_” prefix. The whole string, prefix included, is the secret.",
        }
      : {
          title: `It matches ${credential} decoded from base64`,
          detail: "The sender decodes the part after “whsec_” from base64 and signs with those bytes. The whole string, as text, is the secret.",
        },
  "unkeyed-sha256": () => ({
    title: "The signature is a plain SHA-256 of the body, with no secret",
    detail: "Anyone can compute that, so it proves nothing. The sender must sign with HMAC-SHA256 under the shared secret.",
  }),
  "other-algorithm": ({ algorithm }, credential) => ({
    title: `It is ${algorithm} of the body under ${credential}`,
    detail: "The sender uses the right secret with the wrong hash function: MaskIt signs with HMAC-SHA256, which is what the receiver checks.",
  }),
  "other-layout": (facts, credential) => ({
    title: `It matches ${credential} ${over(facts)}`,
    detail:
      "That is a layout Eden AI's docs never described, so the receiver does not try it and cannot accept this delivery. The sender serializes the payload differently before signing.",
  }),
  "signed-directly": (facts, credential) => ({
    title: `It is ${credential}'s signature of the payload itself, not of its hex digest`,
    detail: `Signed ${over(facts)}. Eden AI signs the ASCII hex SHA-256 of the payload; this sender signs the payload bytes directly, which the receiver does not accept.`,
  }),
  "unknown-secret": ({ secrets, active, retired, changedVersions }) => ({
    title: "The sender probably signs with a secret this source does not have, or the body was altered on the way",
    detail:
      `None of this source's ${plural(Number(secrets), "secret")} (${active} active, ${retired} revoked or expired) produced this signature, ` +
      `over the body as received or ${plural(Number(changedVersions), "changed version")} of it. ` +
      "Either the sender uses another secret (if you know it, add it on the source page with Paste one I already have, then re-verify this delivery), " +
      "or something between the sender and here (a proxy, an antivirus, a re-encoding) changed bytes of the body after it was signed: then no secret will ever match it.",
  }),
  "unknown-key": ({ keys, candidates }) => ({
    title: "The sender probably signs with a key this source does not have, or the body was altered on the way",
    detail:
      Number(keys) === 0
        ? "This source has no public key to check against. Add the sender's public key on the source page, then re-verify this delivery."
        : `None of this source's ${keys} key(s) verified the signature over any of the ${candidates} serializations tried, signed either way. If Eden AI has published a new key, or the sender signs with its own, add that public key on the source page, then re-verify this delivery. Or something between the sender and here changed bytes of the body after it was signed: then no key will ever match it.`,
  }),

  // The body
  "body-empty": () => ({ title: "The body is empty", detail: "A MaskIt delivery carries a metadata part and an image; this request carried no bytes at all." }),
  "body-not-json": ({ problem }) => ({
    title: "The body is not valid JSON",
    detail: `${problem}. The receiver refuses such a body (400) before it looks at the signature; only the raw bytes could have been signed.`,
  }),
  "multipart-malformed": ({ problem }) => ({
    title: "The body is not well-formed multipart",
    detail: `${capitalize(String(problem))}. The receiver refuses such a body (400) even when its signature is right.`,
  }),
  "image-part-missing": ({ parts }) => ({
    title: "The body has no maskedImage part",
    detail: `Parts found: ${list(parts).join(", ") || "none"}. Even with a valid signature the receiver refuses a body without an image (400).`,
  }),
  "image-not-jpeg-png": ({ declaredType }) => ({
    title: "The image part is not a JPEG or PNG by its bytes",
    detail: `It was declared as ${declaredType}. The receiver refuses other files (415) even with a valid signature.`,
  }),
  "bare-line-feeds": () => ({
    title: "Lines in the multipart framing end in LF, not CRLF",
    detail:
      "Multipart bodies use CRLF line breaks. Bare LFs suggest the body was converted on its way (a text-mode transfer or a rewriting proxy), which changes the bytes the signature covers.",
  }),
  "too-large-to-analyse": ({ message }) => ({
    title: "Too large to analyse here",
    detail: `${message}, so the inspector did not diagnose it (other requests are not held up by it). The body stays in quarantine as received.`,
  }),

  // What was checked
  "bodies-checked": ({ bodies }) => ({
    title: "Bodies checked",
    detail: list(bodies)
      .map((code) => BODY_LABELS[code] ?? code)
      .join("; "),
  }),
  "forms-tried": ({ forms, layouts }) => ({ title: "Forms tried", detail: `${list(forms).join(", ")}; and ${list(layouts).length} other layouts` }),

  // A changed body matched under a credential: one entry per body code.
  ...Object.fromEntries(
    Object.entries(BODY_EXPLANATIONS).map(([code, explanation]): [string, Template] => [
      code,
      (_facts, credential) => ({ title: `It matches ${BODY_LABELS[code]}, under ${credential}`, detail: explanation }),
    ]),
  ),
};

/**
 * The kinds whose diagnosis is built on lib/schemes/common (header-signed HMAC and ed25519
 * schemes): their wording is one table per kind, templates filled from the facts, since the
 * same code names another header or provider in each.
 */
const KIND_TABLES: Readonly<Record<string, FindingTable>> = {
  "standard-webhooks": STANDARD_WEBHOOKS_FINDINGS,
  github: GITHUB_FINDINGS,
  stripe: STRIPE_FINDINGS,
  hmac: HMAC_FINDINGS,
};

/** A finding in words; an unknown code (a kind added without its wording) shows its code and facts. */
export function findingText(kind: string, finding: SchemeFinding): FindingText {
  const kindTable = KIND_TABLES[kind];
  if (kindTable?.[finding.code]) return renderFinding(kindTable, finding);
  const entry = TEXT[finding.code];
  const template = typeof entry === "function" ? entry : entry?.[kind];
  const credential = finding.credential ? nameCredential(finding.credential) : "";
  if (!template) return { title: finding.code, detail: JSON.stringify(finding.facts ?? {}) };
  return template(finding.facts ?? {}, credential);
}

/** `“label” (fingerprint)`, how findings name a credential. */
export function nameCredential(credential: { label: string; fingerprint: string }): string {
  return `“${credential.label}” (${shortFingerprint(credential.fingerprint)})`;
}

export function shortFingerprint(fingerprint: string): string {
  return fingerprint.length > 24 ? `${fingerprint.slice(0, 12)}…` : fingerprint;
}

/** The description of a form or layout a match was found over. */
export function describeForm(form: string): string {
  return CANONICAL_FORM_DESCRIPTIONS[form as CanonicalForm] ?? BODY_LABELS[form] ?? form;
}

function over(facts: Facts): string {
  const form = String(facts.form);
  return `over ${facts.documented ? `the ${form} form (${describeForm(form)})` : describeForm(form)}`;
}

function retiredKey(state: "revoked" | "expired", facts: Facts, credential: string): FindingText {
  return {
    title: `It was signed with ${credential}, a ${state} key`,
    detail: `That key was ${facts.retirement}, ${over(facts)}. The sender still signs with it. Add the sender's current public key on the source page; a ${state} key cannot verify deliveries again.`,
  };
}

function list(value: Facts[string] | undefined): readonly string[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [String(value)];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
