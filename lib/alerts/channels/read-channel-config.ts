import { getEncryptionKey } from "../../crypto/encryption-key.ts";
import { decryptSecret } from "../../crypto/secret-box.ts";
import { channelConfigSchema, type ChannelConfig } from "./channel-config.ts";

/** Decrypts a channel's configuration, only where a message is about to be sent. */
export async function readChannelConfig(channel: { id: string; configCiphertext: Uint8Array }): Promise<ChannelConfig> {
  const plaintext = decryptSecret(channel.configCiphertext, await getEncryptionKey(), channel.id);
  return channelConfigSchema.parse(JSON.parse(plaintext.toString("utf8")));
}
