import type { PrismaClient } from "../generated/prisma/client.ts";
import { parseRsaPublicKey } from "../schemes/edenai/rsa-public-key.ts";
import { parseEd25519PublicKey } from "../schemes/standard-webhooks/keys.ts";

export interface AddPublicKeyOptions {
  sourceId: string;
  pem: string;
  label?: string;
}

/** Validates (RSA, at least 2048 bits) and stores an Eden AI public key as SPKI PEM. */
export async function addPublicKey(db: Pick<PrismaClient, "credential">, options: AddPublicKeyOptions) {
  const key = parseRsaPublicKey(options.pem);
  return db.credential.create({
    data: {
      sourceId: options.sourceId,
      kind: "rsa_public_key",
      label: options.label ?? `RSA ${key.bits}-bit key`,
      fingerprint: key.fingerprint,
      publicKeyPem: key.pem,
    },
    select: { id: true, label: true, fingerprint: true, createdAt: true },
  });
}

/** Validates and stores a Standard Webhooks ed25519 public key (whpk_... or PEM) as SPKI PEM. */
export async function addEd25519PublicKey(db: Pick<PrismaClient, "credential">, options: AddPublicKeyOptions) {
  const key = parseEd25519PublicKey(options.pem);
  return db.credential.create({
    data: {
      sourceId: options.sourceId,
      kind: "ed25519_public_key",
      label: options.label ?? "ed25519 key",
      fingerprint: key.fingerprint,
      publicKeyPem: key.pem,
    },
    select: { id: true, label: true, fingerprint: true, createdAt: true },
  });
}
