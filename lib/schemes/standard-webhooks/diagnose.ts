import type { SchemeContext, SchemeCredential, SchemeFinding, SignedRequest } from "../scheme.ts";
import { runDiagnosis, withHeader, type DiagnosisPlan, type HeaderRewrite, type SecretForm, type SignedStringVariant } from "../common/diagnose.ts";
import { decodeBase64, isHex } from "../common/encodings.ts";
import { WHSEC_PREFIX, withSecret } from "../common/secret-forms.ts";
import { parseUnixSeconds } from "../common/timestamps.ts";
import { formatSignatureHeader, parseSignatureHeader } from "./signature-header.ts";
import { beginStandardWebhooks, SIGNATURE_HEADER, SPEC_PREFIX, TIMESTAMP_HEADER, type SignedPrefix } from "./verify.ts";

// Standard Webhooks' hypotheses, each judged by the verifier itself (see common/diagnose.ts).

export function diagnoseStandardWebhooks(request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): SchemeFinding[] {
  return runDiagnosis(PLAN, request, credentials, context);
}

const EXPECTED = "“id.timestamp.body”";

const PLAN: DiagnosisPlan = {
  begin: (headers, credentials, context) => beginStandardWebhooks(headers, credentials, context, SPEC_PREFIX),
  signatureHeader: SIGNATURE_HEADER,
  timestampOf: (headers) => parseUnixSeconds(headers.get(TIMESTAMP_HEADER)),
  headerRewrites,
  secretForms,
  signedStringVariants: [leftOut((id) => `${id}.`, "“id.body”"), leftOut(() => "", "the body alone")],
};

function headerRewrites(headers: Headers): HeaderRewrite[] {
  const value = headers.get(SIGNATURE_HEADER)?.trim();
  if (!value) return [];
  const rewrites: HeaderRewrite[] = [];
  const entries = parseSignatureHeader(value) ?? [];
  const asBase64 = entries.map((entry) => ({
    version: entry.version,
    text: isHex(entry.text) ? Buffer.from(entry.text, "hex").toString("base64") : entry.text,
  }));
  if (entries.some((entry) => isHex(entry.text)))
    rewrites.push({ code: "signature_hex_not_base64", headers: withHeader(headers, SIGNATURE_HEADER, formatSignatureHeader(asBase64)) });
  // `v1,v1,<sig>` parses as version v1 with the text `v1,<sig>`.
  const doubled = entries.filter((entry) => /^v1a?,/.test(entry.text));
  if (doubled.length > 0) {
    const fixed = entries.map((entry) => ({ version: entry.version, text: entry.text.replace(/^v1a?,/, "") }));
    rewrites.push({
      code: "prefix_doubled",
      facts: { prefix: `${doubled[0].version},` },
      headers: withHeader(headers, SIGNATURE_HEADER, formatSignatureHeader(fixed)),
    });
  }
  // A bare signature, without its `v1,`: in base64, or in hex as well.
  if (!value.includes(",")) {
    const bare = value.split(/\s+/);
    const fixed = bare.map((text) => `v1,${isHex(text) ? Buffer.from(text, "hex").toString("base64") : text}`).join(" ");
    const code = bare.some((text) => isHex(text)) ? "signature_hex_not_base64" : "prefix_missing";
    rewrites.push({ code, facts: { prefix: "v1," }, headers: withHeader(headers, SIGNATURE_HEADER, fixed) });
  }
  return rewrites;
}

/** The key is the base64-decoded part after `whsec_`; senders also use the string's own bytes. */
function secretForms(credential: SchemeCredential): SecretForm[] {
  if (!credential.secret) return [];
  const text = credential.secret.toString("utf8");
  // Re-encoded so that the verifier's own decoding yields the bytes the sender used.
  const forms: SecretForm[] = [
    { code: "secret_used_raw", credential: withSecret(credential, Buffer.from(WHSEC_PREFIX + credential.secret.toString("base64"))) },
  ];
  if (text.startsWith(WHSEC_PREFIX) && decodeBase64(text.slice(WHSEC_PREFIX.length), true)) {
    const rest = Buffer.from(text.slice(WHSEC_PREFIX.length), "utf8");
    forms.push({ code: "secret_not_decoded", credential: withSecret(credential, Buffer.from(WHSEC_PREFIX + rest.toString("base64"))) });
  }
  return forms;
}

function leftOut(prefix: SignedPrefix, signed: string): SignedStringVariant {
  return {
    code: "timestamp_not_signed",
    facts: { signed, expected: EXPECTED },
    accept(request, credentials, context) {
      const verifier = beginStandardWebhooks(request.headers, credentials, context, prefix);
      if ("accepted" in verifier) return verifier;
      verifier.update(request.body);
      return verifier.finish();
    },
  };
}
