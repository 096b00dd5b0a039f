import { recordAudit, SYSTEM_ACTOR } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { EDENAI_PUBLISHED_PUBLIC_KEY, parseRsaPublicKey } from "../schemes/edenai/rsa-public-key.ts";
import { parseEd25519PublicKey } from "../schemes/standard-webhooks/keys.ts";
import { addEd25519PublicKey, addPublicKey } from "./add-public-key.ts";
import { addSecret } from "./add-secret.ts";
import type { ChangedBy } from "./changed-by.ts";
import { CredentialKindError } from "./errors.ts";
import { parseKindOptions, publicKeyTypeOf, secretProblemFor, takesSecrets, toPrismaKind, type SourceKindName } from "./source-kinds.ts";

// One way to create a source, for the dashboard, the command line and tests alike: the source,
// its first credentials and the audit entry, in one transaction.

export interface CreateSourceOptions extends Partial<ChangedBy> {
  slug: string;
  name?: string;
  kind: SourceKindName;
  /** Every kind but Eden AI: the first shared secret. */
  secret?: Buffer;
  /** Eden AI: RSA public keys (PEM) to trust besides Eden AI's published key; Standard Webhooks: ed25519 keys (whpk_... or PEM). */
  publicKeyPems?: string[];
  /** The kind's scheme options (lib/schemes/<kind>), validated before anything is written. */
  schemeOptions?: unknown;
}

export class SourceExistsError extends Error {
  constructor(slug: string) {
    super(`a source with slug "${slug}" already exists`);
    this.name = "SourceExistsError";
  }
}

export async function createSource(options: CreateSourceOptions) {
  // Keys, secret and options are checked before anything is written, so that a bad one leaves no half-made source.
  const keyType = publicKeyTypeOf(options.kind);
  if ((options.publicKeyPems ?? []).length > 0 && !keyType)
    throw new CredentialKindError(`${options.kind} sources are verified with shared secrets, not public keys`);
  for (const pem of options.publicKeyPems ?? []) (keyType === "ed25519" ? parseEd25519PublicKey : parseRsaPublicKey)(pem);
  if (options.secret && !takesSecrets(options.kind)) throw new CredentialKindError(`${options.kind} sources use public keys, not shared secrets`);
  const secretProblem = options.secret ? secretProblemFor(options.kind, options.secret.toString("utf8")) : null;
  if (secretProblem) throw new CredentialKindError(secretProblem);
  const schemeOptions = parseKindOptions(options.kind, options.schemeOptions);
  try {
    return await getPrisma().$transaction(async (tx) => {
      const source = await tx.source.create({
        data: {
          slug: options.slug,
          name: options.name || options.slug,
          kind: toPrismaKind(options.kind),
          schemeOptions: schemeOptions as Prisma.InputJsonObject,
        },
        select: { id: true, slug: true, name: true },
      });
      const credentials = [];
      if (options.secret) credentials.push(await addSecret(tx, { sourceId: source.id, secret: options.secret, label: "initial secret" }));
      if (options.kind === "edenai") {
        // Every Eden AI source trusts Eden AI's published key from the start.
        credentials.push(await addPublicKey(tx, { sourceId: source.id, pem: EDENAI_PUBLISHED_PUBLIC_KEY, label: "Eden AI published key" }));
        for (const [index, pem] of (options.publicKeyPems ?? []).entries()) {
          credentials.push(await addPublicKey(tx, { sourceId: source.id, pem, label: `added key ${index + 1}` }));
        }
      }
      if (keyType === "ed25519") {
        for (const [index, pem] of (options.publicKeyPems ?? []).entries()) {
          credentials.push(await addEd25519PublicKey(tx, { sourceId: source.id, pem, label: `ed25519 key ${index + 1}` }));
        }
      }
      await recordAudit(tx, {
        actor: options.actor ?? SYSTEM_ACTOR,
        ip: options.ip,
        action: "source.create",
        target: { type: "source", id: source.id, name: source.slug },
        detail: {
          slug: source.slug,
          name: source.name,
          kind: options.kind,
          schemeOptions: schemeOptions as Prisma.InputJsonObject,
          credentials: credentials.map(({ id, label, fingerprint }) => ({ id, label, fingerprint })),
        },
      });
      return { ...source, kind: options.kind, schemeOptions, credentials };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new SourceExistsError(options.slug);
    throw error;
  }
}

export function receiverPath(slug: string): string {
  return `/api/webhooks/${slug}`;
}
