import { randomBytes, randomUUID } from "node:crypto";
import { recordAudit } from "../audit/record-audit.ts";
import { getConfig } from "../config.ts";
import { getEncryptionKey } from "../crypto/encryption-key.ts";
import { encryptSecret } from "../crypto/secret-box.ts";
import { getPrisma } from "../db.ts";
import { SourceNotFoundError } from "../sources/errors.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { checkDestinationUrl } from "./resolve-destination.ts";

// A destination gets its own signing secret, in Standard Webhooks' form (`whsec_` + base64 of
// 32 random bytes), stored encrypted and bound to the destination's id; it is returned here
// once and never shown again.

export interface CreateDestinationOptions extends ChangedBy {
  /** The source's slug. */
  source: string;
  url: string;
  name?: string;
}

export async function createDestination(options: CreateDestinationOptions) {
  const url = await checkDestinationUrl(options.url, getConfig().ALLOW_PRIVATE_DESTINATIONS);
  const key = await getEncryptionKey();
  const id = randomUUID();
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const name = options.name?.trim() || url.host;
  const destination = await getPrisma().$transaction(async (tx) => {
    const source = await tx.source.findUnique({ where: { slug: options.source }, select: { id: true, slug: true } });
    if (!source) throw new SourceNotFoundError();
    const created = await tx.destination.create({
      data: { id, sourceId: source.id, name, url: url.toString(), secretCiphertext: new Uint8Array(encryptSecret(Buffer.from(secret), key, id)) },
      select: { id: true, name: true, url: true, enabled: true },
    });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "destination.create",
      target: { type: "destination", id, name },
      detail: { source: source.slug, url: created.url },
    });
    return { ...created, source: source.slug };
  });
  return { destination, secret };
}
