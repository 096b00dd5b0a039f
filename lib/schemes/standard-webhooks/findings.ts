import { commonFindings, type FindingTable } from "../common/findings.ts";

// Finding wording for `standard-webhooks` sources, keyed by code (see common/findings.ts).

export const STANDARD_WEBHOOKS_FINDINGS: FindingTable = {
  ...commonFindings({ provider: "Standard Webhooks", header: "webhook-signature" }),
  missing_header: {
    title: "The request lacks a Standard Webhooks header ({header}, webhook-id or webhook-timestamp)",
    detail:
      "A Standard Webhooks delivery carries webhook-id, webhook-timestamp and webhook-signature. Without all three nothing can be verified: the sender may use another scheme, or a proxy dropped headers.",
  },
  secret_used_raw: {
    title: "It matches {credential} used as raw bytes, without decoding it",
    detail:
      "The sender uses the whole secret string as the HMAC key. Standard Webhooks' key is the base64-decoded part after “whsec_” (what the standardwebhooks libraries do with it). Fix the sender's key handling, or use a library.",
  },
  secret_not_decoded: {
    title: "It matches {credential} with its “whsec_” prefix stripped but not decoded",
    detail: "The sender drops the “whsec_” prefix and uses the rest as text. The key is that rest decoded from base64.",
  },
};
