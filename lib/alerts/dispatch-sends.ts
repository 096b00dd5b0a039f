import { recordAudit, SYSTEM_ACTOR } from "../audit/record-audit.ts";
import { getConfig } from "../config.ts";
import { getPool, getPrisma } from "../db.ts";
import { dashboardUrl, type AlertMessage, type NotificationEvent } from "./alert-message.ts";
import { readChannelConfig } from "./channels/read-channel-config.ts";
import { sendToChannel } from "./channels/send-to-channel.ts";

// Sends what is due: each (notification, channel) pair is claimed by one UPDATE ... SKIP LOCKED
// before it is attempted, so two instances (or the periodic job and a "send test alert" click)
// never both send it. A claim lasts the send's timeout and a margin; an instance that dies
// mid-send leaves it to be retried once the claim runs out. Channels are sent in parallel and
// each is bounded by ALERT_SEND_TIMEOUT_SECONDS, so a slow one holds up nobody.

const BATCH = 50;
const CLAIM_MARGIN_SECONDS = 5;

interface ClaimedSend {
  id: string;
  notification_id: string;
  channel_id: string | null;
  channel_name: string;
  attempts: number;
}

export interface DispatchResult {
  sent: number;
  failed: number;
  retrying: number;
}

export async function dispatchDueSends(options: { notificationId?: string } = {}): Promise<DispatchResult> {
  const { ALERT_SEND_TIMEOUT_SECONDS, ALERT_RETRY_BASE_SECONDS, ALERT_MAX_ATTEMPTS } = getConfig();
  const { rows: claimed } = await getPool().query<ClaimedSend>(
    `UPDATE alert_sends SET status = 'sending', attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $1)
      WHERE id IN (SELECT id FROM alert_sends
                    WHERE status IN ('pending', 'sending') AND next_attempt_at <= now() AND ($2::uuid IS NULL OR notification_id = $2::uuid)
                    ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING id, notification_id, channel_id, channel_name, attempts`,
    [ALERT_SEND_TIMEOUT_SECONDS + CLAIM_MARGIN_SECONDS, options.notificationId ?? null],
  );
  const result: DispatchResult = { sent: 0, failed: 0, retrying: 0 };
  if (claimed.length === 0) return result;
  const messages = await loadMessages([...new Set(claimed.map((send) => send.notification_id))]);
  const channels = new Map(
    (
      await getPrisma().alertChannel.findMany({
        where: { id: { in: claimed.flatMap((send) => send.channel_id ?? []) } },
        select: { id: true, configCiphertext: true },
      })
    ).map((channel) => [channel.id, channel]),
  );
  await Promise.all(
    claimed.map(async (send) => {
      const message = messages.get(send.notification_id)!;
      try {
        const channel = send.channel_id ? channels.get(send.channel_id) : undefined;
        if (!channel) throw new PermanentFailure("the channel was removed");
        await sendToChannel(await readChannelConfig(channel), message, ALERT_SEND_TIMEOUT_SECONDS * 1000);
        await finish(send, message, { status: "sent", error: null });
        result.sent += 1;
      } catch (error) {
        const reason = describe(error);
        if (error instanceof PermanentFailure || send.attempts >= ALERT_MAX_ATTEMPTS) {
          await finish(send, message, { status: "failed", error: reason });
          result.failed += 1;
        } else {
          const delaySeconds = ALERT_RETRY_BASE_SECONDS * 2 ** (send.attempts - 1);
          await getPool().query(
            "UPDATE alert_sends SET status = 'pending', last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1 AND status = 'sending'",
            [send.id, reason, delaySeconds],
          );
          result.retrying += 1;
        }
      }
    }),
  );
  return result;
}

class PermanentFailure extends Error {}

/** Records a send's last word and audits it in the same transaction. */
async function finish(send: ClaimedSend, message: AlertMessage, outcome: { status: "sent" | "failed"; error: string | null }): Promise<void> {
  await getPrisma().$transaction(async (tx) => {
    await tx.alertSend.update({
      where: { id: send.id },
      data: { status: outcome.status, lastError: outcome.error, sentAt: outcome.status === "sent" ? new Date() : null },
    });
    await recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: outcome.status === "sent" ? "alert.sent" : "alert.send_failed",
      target: message.alertId
        ? { type: "alert", id: message.alertId, name: message.title }
        : { type: "alert_channel", id: send.channel_id ?? undefined, name: send.channel_name },
      detail: { event: message.event, channel: send.channel_name, attempts: send.attempts, ...(outcome.error ? { error: outcome.error } : {}) },
    });
  });
}

async function loadMessages(notificationIds: string[]): Promise<Map<string, AlertMessage>> {
  const notifications = await getPrisma().alertNotification.findMany({
    where: { id: { in: notificationIds } },
    select: { id: true, event: true, alert: { select: { id: true, kind: true, title: true, detail: true, linkPath: true, openedAt: true, resolvedAt: true } } },
  });
  return new Map(
    notifications.map(({ id, event, alert }) => [
      id,
      alert
        ? {
            notificationId: id,
            alertId: alert.id,
            event: event as NotificationEvent,
            kind: alert.kind,
            title: alert.title,
            detail: alert.detail,
            url: dashboardUrl(alert.linkPath),
            openedAt: alert.openedAt,
            resolvedAt: alert.resolvedAt,
          }
        : {
            notificationId: id,
            alertId: null,
            event: "test",
            kind: "test",
            title: "Test alert from webhook-inbox",
            detail: 'An admin pressed "send test alert": this channel works.',
            url: dashboardUrl("/alerts"),
            openedAt: null,
            resolvedAt: null,
          },
    ]),
  );
}

/** The first line of an error, without anything a URL's credentials could put in it. */
function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  const text = error instanceof Error ? `${error.message}${cause}` : "unknown error";
  return text
    .split("\n")[0]
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/]*@/gi, "$1")
    .slice(0, 300);
}
