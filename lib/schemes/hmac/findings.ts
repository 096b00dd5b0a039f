import { commonFindings, type FindingTable } from "../common/findings.ts";

// Finding wording for generic `hmac` sources, keyed by code (see common/findings.ts). The
// header's name is per source, so it comes from facts where a finding needs it.

export const HMAC_FINDINGS: FindingTable = {
  ...commonFindings({ provider: "The sender", header: "the signature header" }),
  missing_header: {
    title: "The request had no {header} header",
    detail:
      "This source expects the signature in {header}. Without it nothing can be verified: check the source's header option against the sender's documentation, or whether a proxy dropped the header.",
  },
  prefix_unexpected: {
    title: "The signature starts with “{prefix}”, which this source does not expect, under {credential}",
    detail: "The digest after it is right. Set the source's prefix option to “{prefix}”, or make the sender send the bare digest.",
  },
  algorithm_mismatch: {
    title: "It is an HMAC-{algorithm}, where this source expects HMAC-{expected}, under {credential}",
    detail: "The secret and the body are right; the hash function is not. Set the source's algorithm option to what the sender uses (or change the sender).",
  },
  weak_algorithm: {
    title: "This source accepts HMAC-{algorithm}",
    detail: "SHA-1 is deprecated for new designs. HMAC-SHA-1 is not broken as a MAC, but if the sender offers SHA-256, switch both sides to it.",
  },
};
