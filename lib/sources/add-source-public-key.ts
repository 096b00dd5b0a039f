import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { parseRsaPublicKey } from "../schemes/edenai/rsa-public-key.ts";
import { parseEd25519PublicKey } from "../schemes/standard-webhooks/keys.ts";
import { addEd25519PublicKey, addPublicKey } from "./add-public-key.ts";
import type { ChangedBy } from "./changed-by.ts";
import { CredentialKindError, DuplicateCredentialError, InvalidPublicKeyError, SourceNotFoundError } from "./errors.ts";
import { KIND_TITLES } from "./kind-names.ts";
import { fromPrismaKind, publicKeyTypeOf } from "./source-kinds.ts";

// A pasted public key: RSA for an Eden AI source, ed25519 for a Standard Webhooks one (v1a). The parsers refuse private keys, keys
// under 2048 bits and anything that is not one PEM public key, in words an operator can act on.

export interface AddSourcePublicKeyOptions extends ChangedBy {
  sourceId: string;
  pem: string;
  label?: string;
}

export async function addSourcePublicKey(options: AddSourcePublicKeyOptions) {
  return getPrisma().$transaction(async (tx) => {
    // Serializes credential changes per source, so that the duplicate check below holds;
    // NO KEY UPDATE does not hold up deliveries, whose foreign key takes only KEY SHARE.
    await tx.$queryRaw`SELECT id FROM sources WHERE id = ${options.sourceId}::uuid FOR NO KEY UPDATE`;
    const source = await tx.source.findUnique({ where: { id: options.sourceId }, select: { id: true, slug: true, kind: true } });
    if (!source) throw new SourceNotFoundError();
    const keyType = publicKeyTypeOf(fromPrismaKind(source.kind));
    if (!keyType) throw new CredentialKindError(`${KIND_TITLES[fromPrismaKind(source.kind)]} sources are verified with shared secrets, not public keys.`);
    const key = readKey(keyType, options.pem);
    const earlier = await tx.credential.findFirst({
      where: { sourceId: source.id, fingerprint: key.fingerprint },
      select: { label: true, revokedAt: true },
    });
    if (earlier) {
      throw new DuplicateCredentialError(`This key is already ${earlier.revokedAt ? "a revoked" : "a"} credential of this source ("${earlier.label}").`);
    }
    const credential =
      keyType === "rsa"
        ? await addPublicKey(tx, { sourceId: source.id, pem: key.pem, label: options.label || `RSA ${key.bits}-bit key` })
        : await addEd25519PublicKey(tx, { sourceId: source.id, pem: key.pem, label: options.label || "ed25519 key" });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "credential.add",
      target: { type: "credential", id: credential.id, name: credential.label },
      detail: {
        source: source.slug,
        kind: keyType === "rsa" ? "rsa_public_key" : "ed25519_public_key",
        label: credential.label,
        fingerprint: key.fingerprint,
        bits: key.bits,
      },
    });
    return { sourceSlug: source.slug, credential, bits: key.bits };
  });
}

function readKey(type: "rsa" | "ed25519", pem: string): { pem: string; fingerprint: string; bits: number | null } {
  try {
    if (type === "rsa") return parseRsaPublicKey(pem);
    const key = parseEd25519PublicKey(pem);
    return { pem: key.pem, fingerprint: key.fingerprint, bits: null };
  } catch (error) {
    throw new InvalidPublicKeyError(capitalize(error instanceof Error ? error.message : "this is not a public key"));
  }
}

function capitalize(text: string): string {
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
