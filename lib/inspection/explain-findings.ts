import { decodeSignature, type DecodedSignature } from "../schemes/diagnosis/decode-signature.ts";
import { splitMultipart, type SplitMultipart } from "../schemes/diagnosis/split-multipart.ts";
import { BODY_LABELS, describeForm, findingText, REPORT_CODES } from "../schemes/finding-text.ts";
import type { PayloadSummary, Scheme, SchemeCredential, SchemeFinding } from "../schemes/scheme.ts";
import { sortFindings, type CredentialResult, type Finding } from "./findings.ts";

// A scheme's findings (codes and facts) turned into what the inspector page shows, the same
// way for every kind: the findings in words, the credentials table, the signature header as
// read, the parts of a multipart body, and the report findings (bodies checked, forms tried)
// as their own sections. Pure.

export interface FormAttempt {
  form: string;
  description: string;
  results: Array<{ keyId: string; isMatch: boolean }>;
}

export interface ExplainedDiagnosis {
  kind: string;
  findings: Finding[];
  credentials: CredentialResult[];
  signature: { header: string; value: string } | null;
  decoded: DecodedSignature | null;
  /** Descriptions of every version of the body that was checked, the body as received first. */
  bodiesChecked: string[];
  /** Each documented form against each key, when the scheme tries forms (Eden AI). */
  attempts: FormAttempt[];
  otherLayoutsTried: string[];
  /** The parts of a multipart body, without their bytes. */
  multipart: (Omit<SplitMultipart, "parts"> & { parts: Array<Omit<SplitMultipart["parts"][number], "data">> }) | null;
  /** What the unverified JSON body claims to be, for orientation only. */
  claimed: PayloadSummary | null;
}

const EXACT_MATCH_CODES = new Set(["matches-active", "signed-with-revoked", "signed-with-expired"]);

export function explainFindings(
  scheme: Scheme,
  request: { headers: Headers; body: Buffer },
  credentials: readonly SchemeCredential[],
  findings: SchemeFinding[],
  claimed: PayloadSummary | null,
): ExplainedDiagnosis {
  const shown = findings.filter((finding) => !REPORT_CODES.has(finding.code)).map((finding) => ({ ...finding, ...findingText(scheme.kind, finding) }));
  const report = (code: string) => findings.find((finding) => finding.code === code)?.facts;
  const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : []);
  const signature = readSignature(scheme, request.headers, findings);
  const contentType = request.headers.get("content-type");
  const multipart = /^multipart\//i.test(contentType ?? "") ? splitMultipart(request.body, contentType) : null;
  const forms = report("forms-tried");
  return {
    kind: scheme.kind,
    findings: sortFindings(shown),
    credentials: credentials.map((credential) => resultFor(credential, shown)),
    signature,
    decoded: signature ? decodeSignature(signature.value) : null,
    bodiesChecked: list(report("bodies-checked")?.bodies).map((code) => BODY_LABELS[code] ?? code),
    attempts: list(forms?.forms).map((form) => ({
      form,
      description: describeForm(form),
      results: credentials
        .filter((credential) => credential.publicKey)
        .map((credential) => ({
          keyId: credential.id,
          isMatch: shown.some((finding) => EXACT_MATCH_CODES.has(finding.code) && names(finding, credential) && finding.facts?.form === form),
        })),
    })),
    otherLayoutsTried: list(forms?.layouts).map(describeForm),
    multipart: multipart && { ...multipart, parts: multipart.parts.map(({ data: _data, ...part }) => part) },
    claimed,
  };
}

function readSignature(scheme: Scheme, headers: Headers, findings: SchemeFinding[]): { header: string; value: string } | null {
  for (const header of scheme.signatureHeaders) {
    const value = headers.get(header);
    if (value?.trim()) return { header, value };
  }
  const misnamed = findings.find((finding) => finding.code === "signature-header-misnamed")?.facts?.header;
  const value = typeof misnamed === "string" ? headers.get(misnamed) : null;
  return value ? { header: misnamed as string, value } : null;
}

function resultFor(credential: SchemeCredential, findings: Array<SchemeFinding & Finding>): CredentialResult {
  const base = { id: credential.id, label: credential.label, fingerprint: credential.fingerprint, state: credential.state, retiredAt: credential.retiredAt };
  const own = findings.filter((finding) => names(finding, credential) && finding.code !== "key-unreadable");
  const exact = own.find((finding) => EXACT_MATCH_CODES.has(finding.code));
  if (exact) return { ...base, result: "matches", ...(exact.facts?.form ? { note: `${exact.facts.form} form` } : {}) };
  if (own.length > 0) return { ...base, result: "matches-altered", note: own[0].title };
  return { ...base, result: "no-match" };
}

function names(finding: SchemeFinding, credential: SchemeCredential): boolean {
  return finding.credential?.fingerprint === credential.fingerprint && finding.credential.label === credential.label;
}
