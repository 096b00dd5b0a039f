import type { CredentialState, FindingSeverity } from "../schemes/scheme.ts";

// What the inspector page shows of a diagnosis: each scheme finding (lib/schemes) with its
// words from lib/schemes/finding-text.ts, and how each credential of the source fared.

export type Severity = FindingSeverity;
export type { CredentialState };
export { shortFingerprint } from "../schemes/finding-text.ts";

export interface Finding {
  /** The scheme's stable code, for tests and for the page's icons. */
  code: string;
  severity: Severity;
  title: string;
  /** Plain language: what it means and what to do. */
  detail: string;
  credential?: { label: string; fingerprint: string; state: CredentialState };
}

/** How each credential fared against the body as received (the receiver's own check). */
export interface CredentialResult {
  id: string;
  label: string;
  fingerprint: string;
  state: CredentialState;
  retiredAt: Date | null;
  /** `matches`: over the body as received; `matches-altered`: only over a changed body or encoding. */
  result: "matches" | "matches-altered" | "no-match";
  /** For `matches-altered` (and Eden AI `matches`): which form or change it matched. */
  note?: string;
}

export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, success: 2, info: 3 };

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** `revoked 2026-11-22 08:15 UTC`, for a retired credential. */
export function describeRetirement(credential: { state: CredentialState; retiredAt: Date | null }): string {
  if (credential.state === "active" || !credential.retiredAt) return "active";
  return `${credential.state} ${credential.retiredAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
