import { textOf, type AlertMessage } from "../alert-message.ts";
import type { ChannelConfig } from "./channel-config.ts";
import { postJson } from "./post-json.ts";

// Slack incoming webhooks, and Mattermost's and Rocket.Chat's, all take `{"text": ...}`; a bare
// URL on its own line becomes a link in each of them.

export async function sendSlack(config: Extract<ChannelConfig, { kind: "slack" }>, message: AlertMessage, timeoutMs: number): Promise<void> {
  await postJson(config.url, JSON.stringify({ text: textOf(message) }), {}, timeoutMs);
}
