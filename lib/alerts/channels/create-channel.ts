import { randomUUID } from "node:crypto";
import { recordAudit } from "../../audit/record-audit.ts";
import { getConfig } from "../../config.ts";
import { getEncryptionKey } from "../../crypto/encryption-key.ts";
import { encryptSecret } from "../../crypto/secret-box.ts";
import { getPrisma } from "../../db.ts";
import { RefusedDestinationError } from "../../forwarding/address-policy.ts";
import { checkDestinationUrl } from "../../forwarding/resolve-destination.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import type { ChangedBy } from "../../sources/changed-by.ts";
import { AlertInputError } from "../alert-errors.ts";
import { channelConfigSchema, channelNameSchema, summarizeChannel, type ChannelConfig } from "./channel-config.ts";

/**
 * Stores a channel with its configuration encrypted, bound to the channel's id, and audits it.
 * A Slack or webhook URL must pass forwarding's address policy: never link-local or cloud
 * metadata, private or loopback only with ALLOW_PRIVATE_DESTINATIONS (checked again at send).
 */
export async function createChannel(options: ChangedBy & { name: string; config: ChannelConfig }) {
  const name = channelNameSchema.parse(options.name);
  const config = channelConfigSchema.parse(options.config);
  const key = await getEncryptionKey();
  const id = randomUUID();
  if (config.kind !== "email") await assertAllowedChannelUrl(config.url);
  const summary = summarizeChannel(config);
  try {
    return await getPrisma().$transaction(async (tx) => {
      const channel = await tx.alertChannel.create({
        data: { id, name, kind: config.kind, summary, configCiphertext: new Uint8Array(encryptSecret(Buffer.from(JSON.stringify(config)), key, id)) },
        select: { id: true, name: true, kind: true, summary: true, createdAt: true },
      });
      await recordAudit(tx, {
        actor: options.actor,
        ip: options.ip,
        action: "alert_channel.create",
        target: { type: "alert_channel", id, name },
        detail: { kind: config.kind, summary },
      });
      return channel;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new AlertInputError(`A channel named "${name}" already exists.`);
    throw error;
  }
}

async function assertAllowedChannelUrl(url: string): Promise<void> {
  try {
    await checkDestinationUrl(url, getConfig().ALLOW_PRIVATE_DESTINATIONS);
  } catch (error) {
    if (error instanceof RefusedDestinationError) throw new AlertInputError(`That URL cannot be used: ${error.message}.`);
    throw error;
  }
}
