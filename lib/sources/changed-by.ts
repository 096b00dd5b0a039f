import type { AuditActor } from "../audit/record-audit.ts";

/** Who makes a change, for the audit entry written in the change's own transaction. */
export interface ChangedBy {
  actor: AuditActor;
  /** The operator's address, as the sign-in form records it. */
  ip?: string | null;
}

/** A label for a credential made now, when the operator gives none: the minute it was made. */
export function defaultSecretLabel(now: Date = new Date()): string {
  return `secret ${now.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
