import { recordAudit } from "../audit/record-audit.ts";
import { getConfig } from "../config.ts";
import { getPrisma } from "../db.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { AlertInputError } from "./alert-errors.ts";
import { dispatchDueSends } from "./dispatch-sends.ts";

/**
 * Queues a test message for one channel and sends it now, answering how it went. A failure is
 * retried by the alert job like any other send, and shown in the history.
 */
export async function sendTestAlert(options: ChangedBy & { channelId: string }) {
  const send = await getPrisma().$transaction(async (tx) => {
    const channel = await tx.alertChannel.findUnique({ where: { id: options.channelId }, select: { id: true, name: true } });
    if (!channel) throw new AlertInputError("That channel no longer exists: reload the page.");
    const notification = await tx.alertNotification.create({
      data: { event: "test", sends: { create: { channelId: channel.id, channelName: channel.name } } },
      select: { id: true },
    });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "alert_channel.test",
      target: { type: "alert_channel", id: channel.id, name: channel.name },
    });
    return { notificationId: notification.id, channelName: channel.name };
  });
  await dispatchDueSends({ notificationId: send.notificationId });
  // The alert job may have claimed it first: then wait for its answer, as long as a send may take.
  const deadline = Date.now() + (getConfig().ALERT_SEND_TIMEOUT_SECONDS + 2) * 1000;
  for (;;) {
    const outcome = await getPrisma().alertSend.findFirstOrThrow({
      where: { notificationId: send.notificationId },
      select: { status: true, lastError: true, attempts: true },
    });
    if (outcome.status !== "sending" || Date.now() > deadline) return { channelName: send.channelName, ...outcome };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
