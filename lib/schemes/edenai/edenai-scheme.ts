import type { Scheme } from "../scheme.ts";
import { diagnoseEdenai } from "./diagnose-edenai.ts";
import { beginEdenai, EDENAI_SIGNATURE_HEADERS } from "./edenai-signature.ts";
import { describeJob, jobDedupeKey } from "./job-summary.ts";

// Eden AI as one Scheme (lib/schemes/scheme.ts): the RSA signature over canonical forms in
// edenai-signature.ts, its diagnosis in diagnose-edenai.ts, the job fields and the job id as
// the dedupe key in job-summary.ts; the body must be JSON (SPEC.md).

export const edenaiScheme: Scheme = {
  kind: "edenai",
  signatureHeaders: EDENAI_SIGNATURE_HEADERS,
  body: { shape: "json" },
  summarize: describeJob,
  parseOptions: () => ({}),
  begin: beginEdenai,
  dedupeKey: (_headers, json) => (json === undefined ? null : jobDedupeKey(json)),
  diagnose: (request, credentials) => diagnoseEdenai(request, credentials),
};
