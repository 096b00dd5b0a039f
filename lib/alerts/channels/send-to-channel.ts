import type { AlertMessage } from "../alert-message.ts";
import type { ChannelConfig } from "./channel-config.ts";
import { sendEmail } from "./send-email.ts";
import { sendSlack } from "./send-slack.ts";
import { sendWebhook } from "./send-webhook.ts";

/** Sends one message on one channel, failing after `timeoutMs` whatever the channel does. */
export async function sendToChannel(config: ChannelConfig, message: AlertMessage, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const send =
    config.kind === "email"
      ? sendEmail(config, message, timeoutMs)
      : config.kind === "slack"
        ? sendSlack(config, message, timeoutMs)
        : sendWebhook(config, message, timeoutMs);
  try {
    await Promise.race([send, deadline]);
  } finally {
    clearTimeout(timer);
    send.catch(() => {}); // settled after the deadline: already reported
  }
}
