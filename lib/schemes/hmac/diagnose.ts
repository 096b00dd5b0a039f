import type { SchemeContext, SchemeCredential, SchemeFinding, SignedRequest } from "../scheme.ts";
import { runDiagnosis, withHeader, type DiagnosisPlan, type HeaderRewrite, type SignedStringVariant } from "../common/diagnose.ts";
import { decodeBase64, decodeHex, isHex } from "../common/encodings.ts";
import { rawSecretForms } from "../common/secret-forms.ts";
import { HMAC_ALGORITHMS, parseHmacOptions, type HmacOptions } from "./options.ts";
import { beginHmac } from "./verify.ts";

// The generic HMAC's hypotheses, each judged by the verifier itself under the source's options
// or under options changed in one respect (another algorithm, no timestamp).

export function diagnoseHmac(request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): SchemeFinding[] {
  const options = parseHmacOptions(context.options);
  const plan: DiagnosisPlan = {
    begin: beginHmac,
    signatureHeader: options.header,
    timestampOf: (headers) => (options.timestampHeader ? readTimestamp(headers.get(options.timestampHeader)) : null),
    headerRewrites: (headers) => headerRewrites(headers, options),
    secretForms: rawSecretForms,
    signedStringVariants: signedStringVariants(options),
    notes: () => (options.algorithm === "sha1" ? [{ code: "weak_algorithm", severity: "warning", facts: { algorithm: "SHA-1" } }] : []),
  };
  return runDiagnosis(plan, request, credentials, context);
}

function headerRewrites(headers: Headers, options: HmacOptions): HeaderRewrite[] {
  const value = headers.get(options.header)?.trim();
  if (!value) return [];
  const { prefix } = options;
  const rewrites: HeaderRewrite[] = [];
  const rewrite = (code: string, fixed: string, facts?: HeaderRewrite["facts"]) =>
    rewrites.push({ code, facts, headers: withHeader(headers, options.header, fixed) });
  const lower = value.toLowerCase();
  const hasPrefix = lower.startsWith(prefix.toLowerCase());
  if (prefix && !hasPrefix) rewrite("prefix_missing", prefix + value, { prefix });
  if (prefix && hasPrefix && lower.slice(prefix.length).startsWith(prefix.toLowerCase())) rewrite("prefix_doubled", value.slice(prefix.length), { prefix });
  const unexpected = /^([a-z0-9-]+=)/i.exec(value);
  if (!prefix && unexpected) rewrite("prefix_unexpected", value.slice(unexpected[1].length), { prefix: unexpected[1] });
  const encoded = hasPrefix ? value.slice(prefix.length) : value;
  if (options.encoding === "hex" && !isHex(encoded)) {
    const bytes = decodeBase64(encoded, true);
    if (bytes) rewrite("signature_base64_not_hex", prefix + bytes.toString("hex"));
  }
  if (options.encoding === "base64" && isHex(encoded)) rewrite("signature_hex_not_base64", prefix + decodeHex(encoded)!.toString("base64"));
  return rewrites;
}

function signedStringVariants(options: HmacOptions): SignedStringVariant[] {
  const variants: SignedStringVariant[] = HMAC_ALGORITHMS.filter((algorithm) => algorithm !== options.algorithm).map((algorithm) => ({
    code: "algorithm_mismatch",
    facts: { algorithm: algorithm.toUpperCase(), expected: options.algorithm.toUpperCase() },
    accept: (request, credentials, context) => acceptWith(request, credentials, context, { ...options, algorithm }),
  }));
  if (options.signedString === "timestamp.body") {
    variants.push({
      code: "timestamp_not_signed",
      facts: { signed: "the body alone", expected: "“timestamp.body”" },
      accept: (request, credentials, context) => acceptWith(request, credentials, context, { ...options, signedString: "body", timestampHeader: undefined }),
    });
  }
  return variants;
}

function acceptWith(request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext, options: HmacOptions) {
  const verifier = beginHmac(request.headers, credentials, { ...context, options });
  if ("accepted" in verifier) return verifier;
  verifier.update(request.body);
  return verifier.finish();
}

function readTimestamp(text: string | null): number | null {
  const value = text?.trim();
  return value && /^\d{1,12}$/.test(value) ? Number(value) : null;
}
