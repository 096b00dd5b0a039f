import { recordAudit, SYSTEM_ACTOR } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { EDENAI_PUBLISHED_PUBLIC_KEY, parseRsaPublicKey } from "../schemes/edenai/rsa-public-key.ts";
import { addPublicKey } from "./add-public-key.ts";
import { addSecret } from "./add-secret.ts";
import type { ChangedBy } from "./changed-by.ts";

// One way to create a source, for the dashboard, the command line and tests alike: the source,
// its first credentials and the audit entry, in one transaction.

export interface CreateSourceOptions extends Partial<ChangedBy> {
  slug: string;
  name?: string;
  kind: "maskit" | "edenai";
  /** MaskIt only: the first shared secret. */
  secret?: Buffer;
  /** Eden AI only: public keys (PEM) to trust besides Eden AI's published key. */
  publicKeyPems?: string[];
}

export class SourceExistsError extends Error {
  constructor(slug: string) {
    super(`a source with slug "${slug}" already exists`);
    this.name = "SourceExistsError";
  }
}

export async function createSource(options: CreateSourceOptions) {
  // Keys are checked before anything is written, so that a bad key leaves no half-made source.
  for (const pem of options.publicKeyPems ?? []) parseRsaPublicKey(pem);
  try {
    return await getPrisma().$transaction(async (tx) => {
      const source = await tx.source.create({
        data: { slug: options.slug, name: options.name || options.slug, kind: options.kind },
        select: { id: true, slug: true, name: true, kind: true },
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
      await recordAudit(tx, {
        actor: options.actor ?? SYSTEM_ACTOR,
        ip: options.ip,
        action: "source.create",
        target: { type: "source", id: source.id, name: source.slug },
        detail: {
          slug: source.slug,
          name: source.name,
          kind: source.kind,
          credentials: credentials.map(({ id, label, fingerprint }) => ({ id, label, fingerprint })),
        },
      });
      return { ...source, credentials };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new SourceExistsError(options.slug);
    throw error;
  }
}

export function receiverPath(slug: string): string {
  return `/api/webhooks/${slug}`;
}
