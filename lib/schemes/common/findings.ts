import type { SchemeFinding } from "../scheme.ts";

// The wording of findings, kept apart from the checks (which emit codes and facts only). Each
// kind's table (lib/schemes/<kind>/findings.ts) is this common part with the kind's provider
// and header names filled in, plus its own codes; the lead joins them into one table.
// Placeholders: `{name}` is `facts.name`; `{credential}` is the finding's credential label.

export interface FindingTemplate {
  title: string;
  detail: string;
}

export type FindingTable = Readonly<Record<string, FindingTemplate>>;

export interface KindWording {
  /** "Stripe", "GitHub", "The sender" (generic HMAC). */
  provider: string;
  /** The signature header as the provider's docs write it. */
  header: string;
}

const SIGNED_OTHER_BYTES =
  "The sender signed other bytes than the ones that arrived: check its signing code, and anything between it and this server that rewrites bodies (a proxy, a framework's body parser, a text-mode transfer).";

export function commonFindings({ provider, header }: KindWording): FindingTable {
  return {
    missing_header: {
      title: `The request had no ${header} header`,
      detail: `${provider} signs every delivery in ${header}. Without it nothing can be verified: the request may not come from ${provider}, or a proxy on the way dropped the header.`,
    },
    malformed_header: { title: `${header} is not in ${provider}'s format`, detail: "{message}. No rewriting of it matched any credential either." },
    unsupported_algorithm: { title: `${header} carries no signature of a kind this receiver checks`, detail: "{message}." },
    no_credentials: {
      title: "This source has no credentials",
      detail: "There is nothing to check the signature against. Add the sender's secret on the source page, then re-verify this delivery.",
    },
    clock_skew: {
      title: "The delivery was signed {skewSeconds} s away from this server's clock",
      detail:
        "Its timestamp says {signedAt}: the sender's clock is {skewSeconds} s {direction} this server's, beyond the source's tolerance, so the delivery was refused as a possible replay. Check both clocks (NTP), or whether the request was held up or replayed on its way.",
    },
    matches_active: {
      title: "It matches the active credential {credential}",
      detail: "The credential was probably added after this delivery arrived. Re-verify to accept the delivery.",
    },
    signed_with_revoked: {
      title: "It was signed with {credential}, a revoked credential",
      detail:
        "That credential was revoked at {retiredAt}, and the sender still signs with it. Give the sender the source's current secret. A revoked credential cannot be made active again.",
    },
    signed_with_expired: {
      title: "It was signed with {credential}, an expired credential",
      detail:
        "That credential expired at {retiredAt}, at the end of a rotation, and the sender still signs with it: it has not switched to the new secret. Give the sender the current secret.",
    },
    trailing_newline_added: {
      title: "It matches the body with a trailing newline (LF) added, under {credential}",
      detail: `The sender signed the body with a newline at its end that did not arrive. ${SIGNED_OTHER_BYTES}`,
    },
    trailing_crlf_added: {
      title: "It matches the body with a trailing CRLF added, under {credential}",
      detail: `The sender signed the body with a CRLF line break at its end that did not arrive. ${SIGNED_OTHER_BYTES}`,
    },
    trailing_newline_removed: {
      title: "It matches the body without its trailing newline, under {credential}",
      detail: `The sender signed the body without the newline it ends with: the newline was added after signing. ${SIGNED_OTHER_BYTES}`,
    },
    crlf_to_lf: {
      title: "It matches the body with its CRLF line endings turned into LF, under {credential}",
      detail: `The sender signed LF line endings, but the body arrived with CRLF. ${SIGNED_OTHER_BYTES}`,
    },
    lf_to_crlf: {
      title: "It matches the body with its LF line endings turned into CRLF, under {credential}",
      detail: `The sender signed CRLF line endings, and something on the way turned them into LF. ${SIGNED_OTHER_BYTES}`,
    },
    json_reserialized: {
      title: "It matches the JSON payload written out again by {layout}, under {credential}",
      detail: `The sender (or something in front of it) parsed the payload and serialized it again before signing, or after. Signatures cover bytes: the sender must sign exactly the body it sends. ${SIGNED_OTHER_BYTES}`,
    },
    secret_prefix_stripped: {
      title: "It matches {credential} without its “whsec_” prefix",
      detail: `The sender signs with the secret minus its “whsec_” prefix. For ${provider}, the whole string, prefix included, is the key.`,
    },
    secret_whsec_decoded: {
      title: "It matches {credential} with the part after “whsec_” decoded from base64",
      detail: `The sender treats the secret as a Standard Webhooks secret and decodes it. For ${provider}, the whole string, as text, is the key.`,
    },
    prefix_missing: {
      title: `${header} lacks its “{prefix}” prefix, under {credential}`,
      detail: `The digest is right, but ${header} must start with “{prefix}”. Fix the sender's header format.`,
    },
    prefix_doubled: {
      title: `${header} has its “{prefix}” prefix twice, under {credential}`,
      detail: `The digest is right, but the sender wrote “{prefix}” twice: its code probably adds the prefix to a value that already has it.`,
    },
    signature_hex_not_base64: {
      title: "The signature is hex where base64 was expected, under {credential}",
      detail: `Decoded from hex it is the right digest: the sender encodes it the wrong way. ${header} must carry it in base64.`,
    },
    signature_base64_not_hex: {
      title: "The signature is base64 where hex was expected, under {credential}",
      detail: `Decoded from base64 it is the right digest: the sender encodes it the wrong way. ${header} must carry it in hexadecimal.`,
    },
    timestamp_not_signed: {
      title: "The sender left the timestamp out of the signed string, under {credential}",
      detail: "It signed {signed}, where the scheme signs {expected} (the timestamp is what makes a replay detectable). Fix the sender's signing code.",
    },
    unknown_secret: {
      title: "The sender probably signs with a secret this source does not have, or the body was altered on the way",
      detail:
        "None of this source's {credentials} credential(s) ({active} active, {retired} revoked or expired) produced this signature, over the body as received or any known change of it. " +
        "Either the sender uses another secret (add it on the source page, then re-verify), or something between the sender and here changed the body after it was signed.",
    },
  };
}

/** A finding's title and detail with its placeholders filled in. */
export function renderFinding(table: FindingTable, finding: SchemeFinding): FindingTemplate {
  const template = table[finding.code];
  if (!template) throw new Error(`no wording for finding "${finding.code}"`);
  const fill = (text: string) =>
    text.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
      if (name === "credential") return finding.credential ? `“${finding.credential.label}”` : "a credential";
      const value = finding.facts?.[name];
      return value === undefined ? placeholder : String(value);
    });
  return { title: fill(template.title), detail: fill(template.detail) };
}
