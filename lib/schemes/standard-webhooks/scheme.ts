import { z } from "zod";
import type { Scheme } from "../scheme.ts";
import { parseSchemeOptions, toleranceSecondsSchema } from "../common/options.ts";
import { diagnoseStandardWebhooks } from "./diagnose.ts";
import { beginStandardWebhooks, ID_HEADER, SIGNATURE_HEADER, SPEC_PREFIX, TIMESTAMP_HEADER } from "./verify.ts";

// The `standard-webhooks` source kind: the verifier (verify.ts) and its diagnosis (diagnose.ts)
// behind the contract of lib/schemes/scheme.ts. Options: `toleranceSeconds` (default 300).

const optionsSchema = z.object({ toleranceSeconds: toleranceSecondsSchema });

export const standardWebhooksScheme: Scheme = {
  kind: "standard-webhooks",
  signatureHeaders: [SIGNATURE_HEADER, ID_HEADER, TIMESTAMP_HEADER],
  parseOptions: (input) => parseSchemeOptions("standard-webhooks", optionsSchema, input),
  begin: (headers, credentials, context) => beginStandardWebhooks(headers, credentials, context, SPEC_PREFIX),
  dedupeKey(headers) {
    return headers.get(ID_HEADER)?.trim() || null;
  },
  diagnose: (request, credentials, context) => diagnoseStandardWebhooks(request, credentials, context),
};
