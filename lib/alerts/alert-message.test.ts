import { describe, expect, it } from "vitest";
import { subjectOf, textOf, type AlertMessage } from "./alert-message.ts";

// The words every channel sends: what happened, since when, and the link, last on its own line
// (chat apps turn a bare URL into a link).

const FIRED: AlertMessage = {
  notificationId: "n1",
  alertId: "a1",
  event: "fired",
  kind: "silence",
  title: "Lobby camera (lobby-camera) is silent",
  detail: "Nothing has arrived since 2026-12-02T02:00:00.000Z (threshold 1 h).",
  url: "https://inbox.example.test/overview",
  openedAt: new Date("2026-12-02T03:00:10Z"),
  resolvedAt: null,
};

describe("alert messages", () => {
  it("say it fired, since when, and link to the page", () => {
    expect(subjectOf(FIRED)).toBe("[webhook-inbox] FIRING: Lobby camera (lobby-camera) is silent");
    expect(textOf(FIRED).split("\n")).toEqual([
      "FIRING: Lobby camera (lobby-camera) is silent",
      "Nothing has arrived since 2026-12-02T02:00:00.000Z (threshold 1 h).",
      "Since 2026-12-02 03:00 UTC.",
      "https://inbox.example.test/overview",
    ]);
  });

  it("say when it was resolved and how long it was open", () => {
    const resolved = { ...FIRED, event: "resolved" as const, resolvedAt: new Date("2026-12-02T04:30:00Z") };
    expect(subjectOf(resolved)).toBe("[webhook-inbox] RESOLVED: Lobby camera (lobby-camera) is silent");
    expect(textOf(resolved)).toContain("Resolved at 2026-12-02 04:30 UTC (open since 2026-12-02 03:00 UTC).");
    expect(subjectOf({ ...FIRED, event: "repeated" })).toBe("[webhook-inbox] STILL FIRING: Lobby camera (lobby-camera) is silent");
  });
});
