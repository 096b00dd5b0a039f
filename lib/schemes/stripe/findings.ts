import { commonFindings, type FindingTable } from "../common/findings.ts";

// Finding wording for `stripe` sources, keyed by code (see common/findings.ts).

export const STRIPE_FINDINGS: FindingTable = {
  ...commonFindings({ provider: "Stripe", header: "Stripe-Signature" }),
  secret_whsec_decoded: {
    title: "It matches {credential} with the part after “whsec_” decoded from base64",
    detail:
      "The sender treats the Stripe signing secret as a Standard Webhooks secret and decodes it. Stripe's key is the whole “whsec_...” string, as text (what Stripe's libraries do).",
  },
};
