import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { addSecret, generateSecret } from "./add-secret.ts";
import { defaultSecretLabel, type ChangedBy } from "./changed-by.ts";
import { CredentialKindError, DuplicateCredentialError, SourceNotFoundError } from "./errors.ts";
import { fromPrismaKind, generateSecretFor, secretProblemFor, takesSecrets } from "./source-kinds.ts";

// A new shared secret for a source of any kind but Eden AI, generated here or pasted by the operator. It joins
// the source's other secrets: each verifies until revoked or expired. A generated secret is
// returned once, to be shown once; a pasted one is never returned.

export interface AddSourceSecretOptions extends ChangedBy {
  sourceId: string;
  /** A pasted secret (validated with sharedSecretSchema); without it one is generated. */
  pastedSecret?: string;
  label?: string;
}

export async function addSourceSecret(options: AddSourceSecretOptions) {
  return getPrisma().$transaction(async (tx) => {
    // Serializes credential changes per source, so that the duplicate check below holds;
    // NO KEY UPDATE does not hold up deliveries, whose foreign key takes only KEY SHARE.
    await tx.$queryRaw`SELECT id FROM sources WHERE id = ${options.sourceId}::uuid FOR NO KEY UPDATE`;
    const source = await tx.source.findUnique({ where: { id: options.sourceId }, select: { id: true, slug: true, kind: true } });
    if (!source) throw new SourceNotFoundError();
    const kind = fromPrismaKind(source.kind);
    if (!takesSecrets(kind)) throw new CredentialKindError("Eden AI sources are verified with RSA public keys, not shared secrets.");
    const generated = options.pastedSecret === undefined ? generateSecretFor(kind, generateSecret) : null;
    const problem = generated ? null : secretProblemFor(kind, options.pastedSecret!);
    if (problem) throw new CredentialKindError(`${problem[0].toUpperCase()}${problem.slice(1)}.`);
    const secret = Buffer.from(generated ?? options.pastedSecret!);
    const credential = await addSecret(tx, { sourceId: source.id, secret, label: options.label || defaultSecretLabel() });
    // Fingerprints are keyed hashes, so equal fingerprints mean the same secret. A secret this
    // source used before is refused, even a revoked one: it may have been revoked for a leak.
    const earlier = await tx.credential.findFirst({
      where: { sourceId: source.id, fingerprint: credential.fingerprint, id: { not: credential.id } },
      select: { label: true, revokedAt: true },
    });
    if (earlier) {
      throw new DuplicateCredentialError(
        `This secret is already ${earlier.revokedAt ? "a revoked" : "a"} credential of this source ("${earlier.label}"). Use a new secret.`,
      );
    }
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "credential.add",
      target: { type: "credential", id: credential.id, name: credential.label },
      detail: {
        source: source.slug,
        kind: "hmac_secret",
        label: credential.label,
        fingerprint: credential.fingerprint,
        origin: generated ? "generated" : "pasted",
      },
    });
    return { sourceSlug: source.slug, credential, secret: generated };
  });
}
