import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { addSecret, generateSecret } from "./add-secret.ts";
import { fromPrismaKind, generateSecretFor } from "./source-kinds.ts";
import { defaultSecretLabel, type ChangedBy } from "./changed-by.ts";
import { credentialStatus } from "./credential-status.ts";
import { CredentialInactiveError, CredentialKindError, CredentialNotFoundError, InvalidExpiryError } from "./errors.ts";

// Rotation without a gap: a new secret is generated and verifies at once, and the old one keeps
// verifying until `oldExpiresAt`, so the sender can be switched over meanwhile. The receiver
// stops using the old one by itself when that time passes. The new secret is returned once.

export interface RotateSecretOptions extends ChangedBy {
  credentialId: string;
  /** When the old secret stops verifying; an earlier expiry it already has is kept. */
  oldExpiresAt: Date;
  label?: string;
  now?: Date;
}

export async function rotateSecret(options: RotateSecretOptions) {
  const now = options.now ?? new Date();
  if (options.oldExpiresAt <= now) throw new InvalidExpiryError("The old secret's expiry must be in the future; to stop it at once, revoke it.");
  return getPrisma().$transaction(async (tx) => {
    // Serializes concurrent rotations and revocations of this credential.
    await tx.$queryRaw`SELECT id FROM credentials WHERE id = ${options.credentialId}::uuid FOR UPDATE`;
    const old = await tx.credential.findUnique({
      where: { id: options.credentialId },
      select: {
        id: true,
        kind: true,
        label: true,
        fingerprint: true,
        expiresAt: true,
        revokedAt: true,
        source: { select: { id: true, slug: true, kind: true } },
      },
    });
    if (!old) throw new CredentialNotFoundError();
    if (old.kind !== "hmac_secret")
      throw new CredentialKindError("Only shared secrets are rotated here. For a public key, add the new key, then revoke the old one.");
    const status = credentialStatus(old, now);
    if (status.state === "revoked" || status.state === "expired") {
      throw new CredentialInactiveError(`"${old.label}" is ${status.state}: it no longer verifies anything. Add a new secret instead.`);
    }
    const oldExpiresAt = old.expiresAt && old.expiresAt < options.oldExpiresAt ? old.expiresAt : options.oldExpiresAt;

    const secret = generateSecretFor(fromPrismaKind(old.source.kind), generateSecret);
    const credential = await addSecret(tx, { sourceId: old.source.id, secret: Buffer.from(secret), label: options.label || defaultSecretLabel(now) });
    await tx.credential.update({ where: { id: old.id }, data: { expiresAt: oldExpiresAt } });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "credential.rotate",
      target: { type: "credential", id: old.id, name: old.label },
      detail: {
        source: old.source.slug,
        old: { label: old.label, fingerprint: old.fingerprint, expiresAt: oldExpiresAt.toISOString() },
        new: { id: credential.id, label: credential.label, fingerprint: credential.fingerprint },
      },
    });
    return { sourceSlug: old.source.slug, secret, credential, old: { id: old.id, label: old.label, expiresAt: oldExpiresAt } };
  });
}
