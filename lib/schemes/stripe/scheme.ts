import { z } from "zod";
import type { Scheme } from "../scheme.ts";
import { parseSchemeOptions, toleranceSecondsSchema } from "../common/options.ts";
import { diagnoseStripe } from "./diagnose.ts";
import { beginStripe, SIGNATURE_HEADER } from "./verify.ts";

// The `stripe` source kind: the verifier (verify.ts) and its diagnosis (diagnose.ts) behind the
// contract of lib/schemes/scheme.ts. Options: `toleranceSeconds` (default 300, Stripe's own).

const optionsSchema = z.object({ toleranceSeconds: toleranceSecondsSchema });

export const stripeScheme: Scheme = {
  kind: "stripe",
  signatureHeaders: [SIGNATURE_HEADER],
  parseOptions: (input) => parseSchemeOptions("stripe", optionsSchema, input),
  begin: (headers, credentials, context) => beginStripe(headers, credentials, context),
  /** The event's own id (`evt_...`): Stripe retries an event with the same id. */
  dedupeKey(_headers, json) {
    const id = json !== null && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>).id : undefined;
    return typeof id === "string" && id !== "" ? id : null;
  },
  diagnose: diagnoseStripe,
};
