import { createPublicKey } from "node:crypto";
import { getPrisma } from "../db.ts";
import type { CredentialKind } from "../generated/prisma/client.ts";
import { credentialStatus, isVerifying, type CredentialStatus } from "./credential-status.ts";

// What the credentials table shows: never a secret (its ciphertext is not even selected).
// Verifying credentials come first, newest first; then expired and revoked ones, kept so that
// the delivery log's "matched by" can still be looked up.

export interface CredentialSummary {
  id: string;
  kind: CredentialKind;
  label: string;
  fingerprint: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastMatchedAt: Date | null;
  /** RSA keys only: the modulus size (null for ed25519 keys and secrets). */
  bits: number | null;
  status: CredentialStatus;
}

export async function listCredentials(options: { sourceId: string; now?: Date }): Promise<CredentialSummary[]> {
  const now = options.now ?? new Date();
  const rows = await getPrisma().credential.findMany({
    where: { sourceId: options.sourceId },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    select: {
      id: true,
      kind: true,
      label: true,
      fingerprint: true,
      createdAt: true,
      expiresAt: true,
      revokedAt: true,
      lastMatchedAt: true,
      publicKeyPem: true,
    },
  });
  const credentials = rows.map(({ publicKeyPem, ...row }) => ({
    ...row,
    bits: publicKeyPem ? rsaBits(publicKeyPem) : null,
    status: credentialStatus(row, now),
  }));
  // A stable sort keeps newest first within each group.
  return credentials.sort((a, b) => Number(isVerifying(b.status)) - Number(isVerifying(a.status)));
}

function rsaBits(pem: string): number | null {
  try {
    return createPublicKey(pem).asymmetricKeyDetails?.modulusLength ?? null;
  } catch {
    return null;
  }
}
