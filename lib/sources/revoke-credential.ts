import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import type { ChangedBy } from "./changed-by.ts";
import { CredentialInactiveError, CredentialNotFoundError } from "./errors.ts";

// Revoking stops a credential at once (the receiver reads credentials on every delivery). The
// row is kept, not deleted: deliveries it verified still point at it, and its fingerprint keeps
// the same secret or key from being added to this source again.

export interface RevokeCredentialOptions extends ChangedBy {
  credentialId: string;
  now?: Date;
}

export async function revokeCredential(options: RevokeCredentialOptions) {
  const now = options.now ?? new Date();
  return getPrisma().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM credentials WHERE id = ${options.credentialId}::uuid FOR UPDATE`;
    const credential = await tx.credential.findUnique({
      where: { id: options.credentialId },
      select: { id: true, kind: true, label: true, fingerprint: true, expiresAt: true, revokedAt: true, source: { select: { id: true, slug: true } } },
    });
    if (!credential) throw new CredentialNotFoundError();
    if (credential.revokedAt) throw new CredentialInactiveError(`"${credential.label}" was already revoked.`);
    await tx.credential.update({ where: { id: credential.id }, data: { revokedAt: now } });
    const remainingActive = await tx.credential.count({
      where: { sourceId: credential.source.id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "credential.revoke",
      target: { type: "credential", id: credential.id, name: credential.label },
      detail: {
        source: credential.source.slug,
        kind: credential.kind,
        label: credential.label,
        fingerprint: credential.fingerprint,
        wasExpiredAt: credential.expiresAt && credential.expiresAt <= now ? credential.expiresAt.toISOString() : null,
        remainingActive,
      },
    });
    return { sourceSlug: credential.source.slug, label: credential.label, remainingActive };
  });
}
