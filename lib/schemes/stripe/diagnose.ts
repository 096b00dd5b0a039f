import type { SchemeContext, SchemeCredential, SchemeFinding, SignedRequest } from "../scheme.ts";
import { runDiagnosis, withHeader, type DiagnosisPlan, type HeaderRewrite } from "../common/diagnose.ts";
import { decodeBase64, isHex } from "../common/encodings.ts";
import { rawSecretForms } from "../common/secret-forms.ts";
import { beginStripe, formatStripeHeader, parseStripeHeader, SIGNATURE_HEADER } from "./verify.ts";

// Stripe's hypotheses, each judged by the verifier itself (see common/diagnose.ts).

export function diagnoseStripe(request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): SchemeFinding[] {
  return runDiagnosis(PLAN, request, credentials, context);
}

const PLAN: DiagnosisPlan = {
  begin: (headers, credentials, context) => beginStripe(headers, credentials, context),
  signatureHeader: "Stripe-Signature",
  timestampOf: (headers) => parseStripeHeader(headers.get(SIGNATURE_HEADER) ?? "").timestamp,
  headerRewrites,
  // Stripe's key is the whole whsec_ string: senders that decode it as Standard Webhooks does, or drop the prefix, are "the reverse".
  secretForms: rawSecretForms,
  signedStringVariants: [
    {
      code: "timestamp_not_signed",
      facts: { signed: "the body alone", expected: "“t.body”" },
      accept(request, credentials, context) {
        const verifier = beginStripe(request.headers, credentials, context, () => "");
        if ("accepted" in verifier) return verifier;
        verifier.update(request.body);
        return verifier.finish();
      },
    },
  ],
};

function headerRewrites(headers: Headers): HeaderRewrite[] {
  const value = headers.get(SIGNATURE_HEADER)?.trim();
  if (!value) return [];
  const { items } = parseStripeHeader(value);
  const rewrites: HeaderRewrite[] = [];
  const rewrite = (code: string, fix: (signature: string) => string | null, facts?: HeaderRewrite["facts"]) => {
    let changed = false;
    const fixed = items.map((item) => {
      if (item.key !== "v1") return item;
      const replacement = fix(item.value);
      if (replacement === null) return item;
      changed = true;
      return { key: "v1", value: replacement };
    });
    if (changed) rewrites.push({ code, facts, headers: withHeader(headers, SIGNATURE_HEADER, formatStripeHeader(fixed)) });
  };
  rewrite("signature_base64_not_hex", (signature) => {
    const bytes = isHex(signature) ? null : decodeBase64(signature, true);
    return bytes?.length === 32 ? bytes.toString("hex") : null;
  });
  rewrite("prefix_doubled", (signature) => (signature.startsWith("v1=") ? signature.slice(3) : null), { prefix: "v1=" });
  return rewrites;
}
