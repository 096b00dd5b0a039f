import { getPrisma } from "../db.ts";
import { dashboardUrl } from "./alert-message.ts";

// The alerts as `GET /api/alerts` and the Alerts page show them: open ones, and the history of
// recent ones with each notification's outcome per channel.

export async function listOpenAlerts() {
  const alerts = await getPrisma().alert.findMany({
    where: { resolvedAt: null },
    orderBy: { openedAt: "desc" },
    select: { id: true, kind: true, title: true, detail: true, linkPath: true, openedAt: true, lastNotifiedAt: true, source: { select: { slug: true } } },
  });
  return alerts.map(({ source, linkPath, ...alert }) => ({ ...alert, source: source?.slug ?? null, path: linkPath, url: dashboardUrl(linkPath) }));
}

export function listAlertHistory(options: { limit?: number } = {}) {
  return getPrisma().alertNotification.findMany({
    orderBy: { createdAt: "desc" },
    take: options.limit ?? 50,
    select: {
      id: true,
      event: true,
      createdAt: true,
      alert: { select: { id: true, title: true, linkPath: true, resolvedAt: true } },
      sends: {
        orderBy: { channelName: "asc" },
        select: { id: true, channelName: true, status: true, attempts: true, lastError: true, sentAt: true, nextAttemptAt: true },
      },
    },
  });
}

export type AlertHistoryEntry = Awaited<ReturnType<typeof listAlertHistory>>[number];
