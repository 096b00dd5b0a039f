import { getPrisma } from "../db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { addSecret } from "./add-secret.ts";

export interface CreateSourceOptions {
  slug: string;
  name?: string;
  kind: "maskit" | "edenai";
  /** MaskIt only: the first shared secret. */
  secret?: Buffer;
}

export class SourceExistsError extends Error {
  constructor(slug: string) {
    super(`a source with slug "${slug}" already exists`);
    this.name = "SourceExistsError";
  }
}

export async function createSource(options: CreateSourceOptions) {
  try {
    return await getPrisma().$transaction(async (tx) => {
      const source = await tx.source.create({
        data: { slug: options.slug, name: options.name ?? options.slug, kind: options.kind },
        select: { id: true, slug: true, name: true, kind: true },
      });
      if (options.secret) await addSecret(tx, { sourceId: source.id, secret: options.secret, label: "initial secret" });
      return source;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new SourceExistsError(options.slug);
    throw error;
  }
}

export function receiverPath(slug: string): string {
  return `/api/webhooks/${slug}`;
}
