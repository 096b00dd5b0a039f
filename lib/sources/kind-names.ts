// The source kinds as SPEC.md names them and as `sources.kind` stores them, with their titles.
// Imports nothing, so that client components may use it.

export const SOURCE_KINDS = ["maskit", "edenai", "standard-webhooks", "github", "stripe", "hmac"] as const;
export type SourceKindName = (typeof SOURCE_KINDS)[number];

export const KIND_TITLES: Readonly<Record<SourceKindName, string>> = {
  maskit: "MaskIt",
  edenai: "Eden AI",
  "standard-webhooks": "Standard Webhooks",
  github: "GitHub",
  stripe: "Stripe",
  hmac: "Generic HMAC",
};

/** The header(s) a kind signs in, for the source page; a generic HMAC source names its own. */
export const SIGNATURE_HEADER_OF_KIND: Readonly<Record<SourceKindName, string>> = {
  maskit: "X-Signature",
  edenai: "X-Edenai-Signature",
  "standard-webhooks": "webhook-signature",
  github: "X-Hub-Signature-256",
  stripe: "Stripe-Signature",
  hmac: "the header set in its options",
};
