import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { parseRsaPublicKey, type RsaPublicKeyInfo } from "../schemes/edenai/rsa-public-key.ts";
import { addPublicKey } from "./add-public-key.ts";
import type { ChangedBy } from "./changed-by.ts";
import { CredentialKindError, DuplicateCredentialError, InvalidPublicKeyError, SourceNotFoundError } from "./errors.ts";

// A pasted RSA public key for an Eden AI source. parseRsaPublicKey refuses private keys, keys
// under 2048 bits and anything that is not one PEM public key, in words an operator can act on.

export interface AddSourcePublicKeyOptions extends ChangedBy {
  sourceId: string;
  pem: string;
  label?: string;
}

export async function addSourcePublicKey(options: AddSourcePublicKeyOptions) {
  let key: RsaPublicKeyInfo;
  try {
    key = parseRsaPublicKey(options.pem);
  } catch (error) {
    throw new InvalidPublicKeyError(capitalize(error instanceof Error ? error.message : "this is not an RSA public key"));
  }
  return getPrisma().$transaction(async (tx) => {
    // Serializes credential changes per source, so that the duplicate check below holds;
    // NO KEY UPDATE does not hold up deliveries, whose foreign key takes only KEY SHARE.
    await tx.$queryRaw`SELECT id FROM sources WHERE id = ${options.sourceId}::uuid FOR NO KEY UPDATE`;
    const source = await tx.source.findUnique({ where: { id: options.sourceId }, select: { id: true, slug: true, kind: true } });
    if (!source) throw new SourceNotFoundError();
    if (source.kind !== "edenai") throw new CredentialKindError("MaskIt sources are verified with shared secrets, not public keys.");
    const earlier = await tx.credential.findFirst({
      where: { sourceId: source.id, fingerprint: key.fingerprint },
      select: { label: true, revokedAt: true },
    });
    if (earlier) {
      throw new DuplicateCredentialError(`This key is already ${earlier.revokedAt ? "a revoked" : "a"} credential of this source ("${earlier.label}").`);
    }
    const credential = await addPublicKey(tx, { sourceId: source.id, pem: key.pem, label: options.label || `RSA ${key.bits}-bit key` });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "credential.add",
      target: { type: "credential", id: credential.id, name: credential.label },
      detail: { source: source.slug, kind: "rsa_public_key", label: credential.label, fingerprint: key.fingerprint, bits: key.bits },
    });
    return { sourceSlug: source.slug, credential, bits: key.bits };
  });
}

function capitalize(text: string): string {
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
