import { getConfig } from "../config.ts";

// One notification as every channel renders it: what happened, to what, and the page to open.

export type NotificationEvent = "fired" | "repeated" | "resolved" | "test";

export interface AlertMessage {
  /** The notification's id: stable across retries, so a receiver can drop a repeat (webhook-id). */
  notificationId: string;
  alertId: string | null;
  event: NotificationEvent;
  kind: string;
  title: string;
  detail: string;
  url: string;
  openedAt: Date | null;
  resolvedAt: Date | null;
}

const EVENT_WORD: Record<NotificationEvent, string> = { fired: "FIRING", repeated: "STILL FIRING", resolved: "RESOLVED", test: "TEST" };

export function subjectOf(message: AlertMessage): string {
  return `[webhook-inbox] ${EVENT_WORD[message.event]}: ${message.title}`;
}

/** A few plain lines: the same text for email and chat. */
export function textOf(message: AlertMessage): string {
  const when =
    message.event === "resolved" && message.resolvedAt
      ? `Resolved at ${utc(message.resolvedAt)}${message.openedAt ? ` (open since ${utc(message.openedAt)})` : ""}.`
      : message.openedAt
        ? `Since ${utc(message.openedAt)}.`
        : "";
  return [`${EVENT_WORD[message.event]}: ${message.title}`, message.detail, when, message.url].filter(Boolean).join("\n");
}

/** An absolute link to a dashboard page, from PUBLIC_URL (or this instance's own port). */
export function dashboardUrl(path: string): string {
  const { PUBLIC_URL, PORT } = getConfig();
  return `${(PUBLIC_URL ?? `http://localhost:${PORT}`).replace(/\/+$/, "")}${path}`;
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
