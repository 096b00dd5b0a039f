import type { SchemeContext, SchemeCredential, SchemeFinding, SignedRequest } from "../scheme.ts";
import { runDiagnosis, withHeader, type DiagnosisPlan, type HeaderRewrite } from "../common/diagnose.ts";
import { decodeBase64, isHex } from "../common/encodings.ts";
import { rawSecretForms } from "../common/secret-forms.ts";
import { beginGithub, SHA1_HEADER, SIGNATURE_HEADER, SIGNATURE_PREFIX } from "./verify.ts";

// GitHub's hypotheses, each judged by the verifier itself (see common/diagnose.ts).

export function diagnoseGithub(request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): SchemeFinding[] {
  return runDiagnosis(PLAN, request, credentials, context);
}

const PLAN: DiagnosisPlan = {
  begin: beginGithub,
  signatureHeader: "X-Hub-Signature-256",
  headerRewrites,
  secretForms: rawSecretForms,
  notes(request) {
    const hasSha1 = Boolean(request.headers.get(SHA1_HEADER)?.trim());
    return hasSha1 && !request.headers.get(SIGNATURE_HEADER)?.trim() ? [{ code: "sha1_signature_only", severity: "warning" }] : [];
  },
};

function headerRewrites(headers: Headers): HeaderRewrite[] {
  const value = headers.get(SIGNATURE_HEADER)?.trim();
  if (!value) return [];
  const rewrite = (code: string, digestHex: string): HeaderRewrite => ({
    code,
    facts: { prefix: SIGNATURE_PREFIX },
    headers: withHeader(headers, SIGNATURE_HEADER, SIGNATURE_PREFIX + digestHex),
  });
  const bare = value.toLowerCase().startsWith(SIGNATURE_PREFIX) ? value.slice(SIGNATURE_PREFIX.length) : null;
  const rewrites: HeaderRewrite[] = [];
  if (bare === null && isHex(value)) rewrites.push(rewrite("prefix_missing", value));
  if (bare?.toLowerCase().startsWith(SIGNATURE_PREFIX) && isHex(bare.slice(SIGNATURE_PREFIX.length)))
    rewrites.push(rewrite("prefix_doubled", bare.slice(SIGNATURE_PREFIX.length)));
  const base64 = decodeBase64(bare ?? value, true);
  if (base64?.length === 32 && !isHex(bare ?? value)) rewrites.push(rewrite("signature_base64_not_hex", base64.toString("hex")));
  return rewrites;
}
