import { z } from "zod";
import type { Scheme } from "../scheme.ts";
import { parseSchemeOptions } from "../common/options.ts";
import { diagnoseGithub } from "./diagnose.ts";
import { beginGithub, DELIVERY_HEADER, SIGNATURE_HEADER } from "./verify.ts";

// The `github` source kind: the verifier (verify.ts) and its diagnosis (diagnose.ts) behind the
// contract of lib/schemes/scheme.ts. No options: GitHub's scheme has no timestamp to tolerate.

const optionsSchema = z.object({});

export const githubScheme: Scheme = {
  kind: "github",
  signatureHeaders: [SIGNATURE_HEADER],
  parseOptions: (input) => parseSchemeOptions("github", optionsSchema, input),
  begin: beginGithub,
  dedupeKey(headers) {
    return headers.get(DELIVERY_HEADER)?.trim() || null;
  },
  diagnose: diagnoseGithub,
};
