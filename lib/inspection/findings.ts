// The vocabulary of signature diagnostics: what the inspector can work out about a delivery
// that failed verification, each as a finding an operator can act on. Diagnostics are pure
// (lib/inspection/diagnose-*.ts): they get the raw body, the headers and the source's
// credentials with their secrets, and return findings that name credentials by label and
// fingerprint only, so that a report can go anywhere a page goes.

/** `error`: why it failed; `warning`: a likely cause; `info`: context; `success`: a match. */
export type Severity = "error" | "warning" | "info" | "success";

export type CredentialState = "active" | "revoked" | "expired";

/** A credential as diagnostics see it; the secret or key travels alongside, never in a finding. */
export interface DiagnosticCredential {
  id: string;
  label: string;
  fingerprint: string;
  state: CredentialState;
  /** When it was revoked or expired; null for an active one. */
  retiredAt: Date | null;
}

export interface Finding {
  /** Stable name of the check, for tests and for the page's icons. */
  kind: string;
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

/** `“label” (fingerprint)`, how findings name a credential. */
export function nameCredential(credential: { label: string; fingerprint: string }): string {
  return `“${credential.label}” (${shortFingerprint(credential.fingerprint)})`;
}

export function shortFingerprint(fingerprint: string): string {
  return fingerprint.length > 24 ? `${fingerprint.slice(0, 12)}…` : fingerprint;
}

/** `revoked 2026-11-22 08:15 UTC`, for a retired credential. */
export function describeRetirement(credential: Pick<DiagnosticCredential, "state" | "retiredAt">): string {
  if (credential.state === "active" || !credential.retiredAt) return "active";
  return `${credential.state} ${credential.retiredAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function credentialOf(credential: DiagnosticCredential): Finding["credential"] {
  return { label: credential.label, fingerprint: credential.fingerprint, state: credential.state };
}
