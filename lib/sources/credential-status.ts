import type { Credential } from "../generated/prisma/client.ts";

// A credential verifies deliveries while it is neither revoked nor past its expiry, the same
// rule as the receiver's query (lib/ingest/find-receiving-source.ts). An expiry in the future
// is what a rotation leaves on the old secret.

export type CredentialStatus = { state: "active" } | { state: "expiring"; at: Date } | { state: "expired"; at: Date } | { state: "revoked"; at: Date };

export function credentialStatus(credential: Pick<Credential, "expiresAt" | "revokedAt">, now: Date = new Date()): CredentialStatus {
  if (credential.revokedAt) return { state: "revoked", at: credential.revokedAt };
  if (credential.expiresAt && credential.expiresAt <= now) return { state: "expired", at: credential.expiresAt };
  if (credential.expiresAt) return { state: "expiring", at: credential.expiresAt };
  return { state: "active" };
}

export function isVerifying(status: CredentialStatus): boolean {
  return status.state === "active" || status.state === "expiring";
}
