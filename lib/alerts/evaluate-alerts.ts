import { recordAudit, SYSTEM_ACTOR } from "../audit/record-audit.ts";
import { getConfig } from "../config.ts";
import { getPool, getPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { NotificationEvent } from "./alert-message.ts";
import { findConditions } from "./find-conditions.ts";
import type { AlertCondition } from "./rules/rule-kind.ts";

// One evaluation: an alert opens (and is sent) when its condition's key first appears, is sent
// again at most every ALERT_REPEAT_HOURS while it lasts, and resolves (and is sent) when the key
// is gone. Every instance runs this; a session advisory lock lets one at a time do it, the others
// skip their turn, so several instances send one alert. The alert, its notification and one
// pending send per channel are written in one transaction; ./dispatch-sends.ts sends them.

export const ALERTS_LOCK_KEY = 7_270_736_913;

export type EvaluationResult = { status: "busy" } | { status: "done"; fired: number; repeated: number; resolved: number };

export async function evaluateAlerts(options: { now?: Date } = {}): Promise<EvaluationResult> {
  const now = options.now ?? new Date();
  const lockHolder = await getPool().connect();
  let isBroken = false;
  try {
    const { rows } = await lockHolder.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [ALERTS_LOCK_KEY]);
    if (!rows[0].locked) return { status: "busy" };
    try {
      const { conditions, unknownKinds } = await findConditions(now);
      return { status: "done", ...(await applyConditions(conditions, unknownKinds, now)) };
    } finally {
      await lockHolder.query("SELECT pg_advisory_unlock($1)", [ALERTS_LOCK_KEY]).catch(() => {
        isBroken = true; // closing the connection releases the lock just as well
      });
    }
  } finally {
    lockHolder.release(isBroken);
  }
}

async function applyConditions(conditions: Map<string, AlertCondition>, unknownKinds: Set<string>, now: Date) {
  const repeatBefore = new Date(now.getTime() - getConfig().ALERT_REPEAT_HOURS * 3_600_000);
  return getPrisma().$transaction(async (tx) => {
    const open = await tx.alert.findMany({ where: { resolvedAt: null }, select: { id: true, key: true, kind: true, title: true, lastNotifiedAt: true } });
    const channels = await tx.alertChannel.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
    const notify = async (alert: { id: string; title: string; key: string }, event: NotificationEvent) => {
      await tx.alertNotification.create({
        data: { alertId: alert.id, event, sends: { create: channels.map((channel) => ({ channelId: channel.id, channelName: channel.name })) } },
      });
      if (event === "repeated") return;
      await recordAudit(tx, {
        actor: SYSTEM_ACTOR,
        action: `alert.${event}`,
        target: { type: "alert", id: alert.id, name: alert.title },
        detail: { key: alert.key, channels: channels.map((channel) => channel.name) } as Prisma.InputJsonValue,
      });
    };
    const openKeys = new Set(open.map((alert) => alert.key));
    let fired = 0;
    let repeated = 0;
    let resolved = 0;
    for (const condition of conditions.values()) {
      if (openKeys.has(condition.key)) continue;
      const alert = await tx.alert.create({
        data: {
          key: condition.key,
          kind: condition.kind,
          sourceId: condition.sourceId,
          title: condition.title,
          detail: condition.detail,
          linkPath: condition.linkPath,
          openedAt: now,
          lastNotifiedAt: now,
        },
        select: { id: true, key: true, title: true },
      });
      await notify(alert, "fired");
      fired += 1;
    }
    for (const alert of open) {
      if (conditions.has(alert.key)) {
        if (alert.lastNotifiedAt > repeatBefore) continue;
        await tx.alert.update({ where: { id: alert.id }, data: { lastNotifiedAt: now } });
        await notify(alert, "repeated");
        repeated += 1;
      } else if (!unknownKinds.has(alert.kind)) {
        await tx.alert.update({ where: { id: alert.id }, data: { resolvedAt: now } });
        await notify(alert, "resolved");
        resolved += 1;
      }
    }
    return { fired, repeated, resolved };
  });
}
