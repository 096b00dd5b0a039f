import { commonFindings, type FindingTable } from "../common/findings.ts";

// Finding wording for `github` sources, keyed by code (see common/findings.ts).

export const GITHUB_FINDINGS: FindingTable = {
  ...commonFindings({ provider: "GitHub", header: "X-Hub-Signature-256" }),
  sha1_signature_only: {
    title: "Only the SHA-1 X-Hub-Signature header arrived",
    detail:
      "GitHub sends X-Hub-Signature-256 (HMAC-SHA256) beside the legacy SHA-1 X-Hub-Signature; this receiver checks the SHA-256 one only. Something on the way dropped it, or the sender is an old GitHub Enterprise server or another tool imitating GitHub.",
  },
};
