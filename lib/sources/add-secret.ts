import { randomBytes, randomUUID } from "node:crypto";
import { getEncryptionKey } from "../crypto/encryption-key.ts";
import { encryptSecret, fingerprintSecret } from "../crypto/secret-box.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";

export interface AddSecretOptions {
  sourceId: string;
  secret: Buffer;
  label?: string;
  expiresAt?: Date;
}

/** Stores a MaskIt shared secret encrypted; returns what may be shown about it. */
export async function addSecret(db: Pick<PrismaClient, "credential">, options: AddSecretOptions) {
  const key = await getEncryptionKey();
  const id = randomUUID();
  return db.credential.create({
    data: {
      id,
      sourceId: options.sourceId,
      kind: "hmac_secret",
      label: options.label ?? `secret ${new Date().toISOString().slice(0, 10)}`,
      fingerprint: fingerprintSecret(options.secret, key),
      secretCiphertext: new Uint8Array(encryptSecret(options.secret, key, id)),
      expiresAt: options.expiresAt,
    },
    select: { id: true, label: true, fingerprint: true, createdAt: true },
  });
}

/** A new random secret: 32 bytes, shown to the operator as `whsec_` + base64url. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}
