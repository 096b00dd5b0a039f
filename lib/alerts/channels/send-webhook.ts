import { Webhook } from "standardwebhooks";
import type { AlertMessage } from "../alert-message.ts";
import type { ChannelConfig } from "./channel-config.ts";
import { postJson } from "./post-json.ts";

// Standard Webhooks: `webhook-id` is the notification's id (the same on every retry, so the
// receiver can drop a repeat), signed with the channel's own secret by the reference library.

export function webhookPayload(message: AlertMessage) {
  return {
    type: `alert.${message.event}`,
    timestamp: new Date().toISOString(),
    data: {
      notificationId: message.notificationId,
      alertId: message.alertId,
      event: message.event,
      kind: message.kind,
      title: message.title,
      detail: message.detail,
      url: message.url,
      openedAt: message.openedAt?.toISOString() ?? null,
      resolvedAt: message.resolvedAt?.toISOString() ?? null,
    },
  };
}

export async function sendWebhook(config: Extract<ChannelConfig, { kind: "webhook" }>, message: AlertMessage, timeoutMs: number): Promise<void> {
  const body = JSON.stringify(webhookPayload(message));
  const timestamp = new Date();
  const signature = new Webhook(config.secret).sign(message.notificationId, timestamp, body);
  await postJson(
    config.url,
    body,
    { "webhook-id": message.notificationId, "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)), "webhook-signature": signature },
    timeoutMs,
  );
}
