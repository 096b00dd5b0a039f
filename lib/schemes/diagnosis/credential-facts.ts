import type { SchemeCredential, SchemeFinding } from "../scheme.ts";

// How findings name a credential: label, fingerprint and state, never its material.

export function credentialOf(credential: SchemeCredential): NonNullable<SchemeFinding["credential"]> {
  return { label: credential.label, fingerprint: credential.fingerprint, state: credential.state };
}

/** `revoked 2026-11-22 08:15 UTC`, the retirement fact findings carry. */
export function retirementFact(credential: Pick<SchemeCredential, "state" | "retiredAt">): string {
  if (credential.state === "active" || !credential.retiredAt) return "active";
  return `${credential.state} ${credential.retiredAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
