import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "@/lib/auth/sessions.ts";
import { getPool, getPrisma } from "@/lib/db.ts";
import { Prisma } from "@/lib/generated/prisma/client.ts";
import { getOverview } from "@/lib/overview/get-overview.ts";
import { hourlyActivityQuery } from "@/lib/overview/list-hourly-activity.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { callServerAction, listServerActions } from "./helpers/server-actions.ts";

// The overview: 24 hourly buckets and the failure rate per source, from deliveries inserted at
// known times; the silence warning either side of its threshold; the threshold's form as an
// admin and as a viewer; and the bucket query's plan on a large log.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = new Date("2026-11-30T12:30:00.000Z");
let env: TestEnvironment;
let cookies: { admin: string; viewer: string };

beforeAll(async () => {
  env = await startTestEnvironment();
  const admin = await createUser({ email: "overview-admin@example.com", role: "admin", password: "a long enough password" });
  const viewer = await createUser({ email: "overview-viewer@example.com", role: "viewer", password: "a long enough password" });
  cookies = {
    admin: `webhook_inbox_session=${(await createSession(admin.id)).token}`,
    viewer: `webhook_inbox_session=${(await createSession(viewer.id)).token}`,
  };
});

afterAll(async () => {
  await env?.close();
});

async function insertDeliveries(sourceId: string, entries: Array<{ at: Date; status: "verified" | "failed" | "rejected" }>): Promise<void> {
  for (const entry of entries) {
    const httpStatus = entry.status === "verified" ? 200 : entry.status === "failed" ? 401 : 400;
    await getPool().query("INSERT INTO deliveries (id, source_id, received_at, status, http_status) VALUES ($1, $2, $3, $4, $5)", [
      randomUUID(),
      sourceId,
      entry.at,
      entry.status,
      httpStatus,
    ]);
  }
}

const ago = (ms: number, from = NOW) => new Date(from.getTime() - ms);

describe("last 24 hours per source", () => {
  it("counts each clock hour, and the failure rate, from the current hour and the 23 before it", async () => {
    const busy = await createSource({ kind: "maskit", slug: "busy-camera", name: "Busy camera" });
    await createSource({ kind: "edenai", slug: "quiet-jobs", name: "Quiet jobs" });
    const firstHour = new Date("2026-11-29T13:00:00.000Z");
    await insertDeliveries(busy.id, [
      { at: ago(10 * MINUTE), status: "verified" },
      { at: ago(20 * MINUTE), status: "verified" },
      { at: new Date("2026-11-30T12:00:00.000Z"), status: "verified" },
      { at: ago(2 * HOUR), status: "failed" },
      { at: ago(5 * HOUR), status: "rejected" },
      { at: firstHour, status: "verified" },
      // Outside the window: a millisecond before its first hour, and after "now".
      { at: new Date(firstHour.getTime() - 1), status: "failed" },
      { at: new Date(NOW.getTime() + MINUTE), status: "verified" },
    ]);

    const overview = await getOverview({ now: NOW });
    const busyRow = overview.find((source) => source.slug === "busy-camera")!;
    expect(busyRow).toMatchObject({ total: 6, verified: 4, unverified: 2, kind: "maskit", enabled: true });
    expect(busyRow.failureRate).toBeCloseTo(2 / 6);
    expect(busyRow.hours).toHaveLength(24);
    expect(busyRow.hours[0].hour.toISOString()).toBe("2026-11-29T13:00:00.000Z");
    expect(busyRow.hours[23].hour.toISOString()).toBe("2026-11-30T12:00:00.000Z");
    const nonEmpty = busyRow.hours.flatMap((hour, index) =>
      hour.verified + hour.failed + hour.rejected > 0 ? [[index, hour.verified, hour.failed, hour.rejected]] : [],
    );
    expect(nonEmpty).toEqual([
      [0, 1, 0, 0],
      [18, 0, 0, 1],
      [21, 0, 1, 0],
      [23, 3, 0, 0],
    ]);
    // The last delivery is the newest row, whatever the window (here one "in the future").
    expect(busyRow.lastDeliveryAt?.toISOString()).toBe(new Date(NOW.getTime() + MINUTE).toISOString());

    const quietRow = overview.find((source) => source.slug === "quiet-jobs")!;
    expect(quietRow).toMatchObject({ total: 0, verified: 0, unverified: 0, failureRate: null, lastDeliveryAt: null, kind: "edenai" });
    expect(quietRow.hours.every((hour) => hour.verified + hour.failed + hour.rejected === 0)).toBe(true);
  });

  it("renders the counts and an accessible chart on the page", async () => {
    const source = await createSource({ kind: "maskit", slug: "page-camera", name: "Page camera" });
    const now = new Date();
    // The three verified ones share the current hour's bar whenever the test runs (at 12:05, "5 to 7 minutes ago" spans two hours).
    const thisHour = new Date(Math.max(now.getTime() - 5 * MINUTE, Math.floor(now.getTime() / HOUR) * HOUR));
    await insertDeliveries(source.id, [
      { at: thisHour, status: "verified" },
      { at: thisHour, status: "verified" },
      { at: thisHour, status: "verified" },
      { at: ago(3 * HOUR, now), status: "failed" },
    ]);
    const html = await page("/overview", cookies.viewer);
    const card = cardOf(html, "page-camera");
    expect(text(card)).toContain("4 deliveries");
    expect(text(card)).toContain("25%");
    expect(text(card)).toContain("1 failed or rejected");
    expect(card).toContain('role="img"');
    expect(text(card)).toContain("Deliveries per hour, last 24 hours, page-camera");
    expect(text(card)).toContain("4 deliveries in the last 24 hours: 3 verified, 1 failed or rejected.");
    expect(card.match(/data-kind="verified"/g)).toHaveLength(1);
    expect(card.match(/data-kind="unverified"/g)).toHaveLength(1);
    // A viewer sees the threshold, not the form.
    expect(text(card)).toContain("Silence alert: off");
    expect(card).not.toContain('name="silenceUnit"');
  });
});

describe("silence alerts", () => {
  it("warn once a source has been silent longer than its threshold, and not before", async () => {
    const source = await createSource({ kind: "maskit", slug: "silent-camera", name: "Silent camera" });
    const last = new Date("2026-11-30T10:00:00.000Z");
    await insertDeliveries(source.id, [{ at: last, status: "verified" }]);
    await getPrisma().source.update({ where: { id: source.id }, data: { silenceAlertMinutes: 60 } });

    const at = async (now: Date) => (await getOverview({ now })).find((row) => row.slug === "silent-camera")!.silence;
    expect(await at(new Date(last.getTime() + 59 * MINUTE))).toBeNull();
    expect(await at(new Date(last.getTime() + 60 * MINUTE))).toBeNull();
    expect(await at(new Date(last.getTime() + 61 * MINUTE))).toMatchObject({ thresholdMinutes: 60, silentForMs: 61 * MINUTE, since: last });

    // Disabled on purpose: no warning.
    await getPrisma().source.update({ where: { id: source.id }, data: { enabled: false } });
    expect(await at(new Date(last.getTime() + 10 * HOUR))).toBeNull();
  });

  it("count from creation for a source that never received anything", async () => {
    const source = await createSource({ kind: "maskit", slug: "never-camera", name: "Never camera" });
    await getPrisma().source.update({ where: { id: source.id }, data: { silenceAlertMinutes: 30 } });
    const created = (await getPrisma().source.findUniqueOrThrow({ where: { id: source.id } })).createdAt;
    const at = async (now: Date) => (await getOverview({ now })).find((row) => row.slug === "never-camera")!.silence;
    expect(await at(new Date(created.getTime() + 29 * MINUTE))).toBeNull();
    expect(await at(new Date(created.getTime() + 31 * MINUTE))).toMatchObject({ since: created });
  });

  it("are set by an admin through the form's action, audited, and shown on the page", async () => {
    const source = await createSource({ kind: "maskit", slug: "alerting-camera", name: "Alerting camera" });
    const calm = await createSource({ kind: "maskit", slug: "calm-camera", name: "Calm camera" });
    const now = new Date();
    await insertDeliveries(source.id, [{ at: ago(2 * HOUR, now), status: "verified" }]);
    await insertDeliveries(calm.id, [{ at: ago(2 * HOUR, now), status: "verified" }]);

    const answer = await setThreshold(cookies.admin, { sourceId: source.id, silenceUnit: "hours", silenceAmount: "1" });
    expect(answer).toContain("Warns after 1 h without a delivery.");
    expect(await setThreshold(cookies.admin, { sourceId: calm.id, silenceUnit: "minutes", silenceAmount: "180" })).toContain(
      "Warns after 3 h without a delivery.",
    );
    expect((await getPrisma().source.findUniqueOrThrow({ where: { id: source.id } })).silenceAlertMinutes).toBe(60);
    const audit = await getPrisma().auditEvent.findFirstOrThrow({ where: { action: "source.silence_alert", targetId: source.id } });
    expect(audit).toMatchObject({
      actorKind: "user",
      actorName: "overview-admin@example.com",
      targetName: "alerting-camera",
      detail: { fromMinutes: null, toMinutes: 60 },
    });

    const html = await page("/overview", cookies.admin);
    expect(text(cardOf(html, "alerting-camera"))).toMatch(/Silent for 2 h.*The alert is set at 1 h ?\./);
    expect(cardOf(html, "calm-camera")).not.toContain("silence-warning");
    expect(text(html)).toContain("Alerting camera has been silent longer than its alert threshold.");

    // Off again.
    expect(await setThreshold(cookies.admin, { sourceId: source.id, silenceUnit: "off", silenceAmount: "" })).toContain("Silence alert off.");
    expect((await getPrisma().source.findUniqueOrThrow({ where: { id: source.id } })).silenceAlertMinutes).toBeNull();
  });

  it("refuse a threshold out of range, and a viewer", async () => {
    const source = await createSource({ kind: "maskit", slug: "guarded-camera", name: "Guarded camera" });
    const attempts = [
      { silenceUnit: "minutes", silenceAmount: "0" },
      { silenceUnit: "hours", silenceAmount: "721" },
      { silenceUnit: "minutes", silenceAmount: "1.5" },
      { silenceUnit: "days", silenceAmount: "1" },
    ];
    for (const fields of attempts) {
      const answer = await setThreshold(cookies.admin, { sourceId: source.id, ...fields });
      expect(answer, JSON.stringify(fields)).toMatch(/at least 1|At most 30 days|whole number|minutes, hours or off/);
    }
    expect(await setThreshold(cookies.viewer, { sourceId: source.id, silenceUnit: "minutes", silenceAmount: "5" })).toMatch(/admin role/i);
    expect((await getPrisma().source.findUniqueOrThrow({ where: { id: source.id } })).silenceAlertMinutes).toBeNull();
    expect(await getPrisma().auditEvent.count({ where: { action: "source.silence_alert", targetId: source.id } })).toBe(0);
  });
});

describe("the bucket query", () => {
  it("reads the finished hours from the hourly rollup and only the current hour from deliveries, on a large log", async () => {
    const sources = [];
    for (let index = 0; index < 20; index++) sources.push((await createSource({ kind: "maskit", slug: `bulk-${index}`, name: `Bulk ${index}` })).id);
    // 200,000 deliveries over 90 days, of which about 1% fall in the last day.
    await getPool().query(
      `INSERT INTO deliveries (id, source_id, received_at, status, http_status)
       SELECT gen_random_uuid(), ($1::uuid[])[1 + n % 20], $2::timestamptz - (n * interval '39 seconds'),
              (CASE WHEN n % 10 = 0 THEN 'failed' ELSE 'verified' END)::"DeliveryStatus", 200
         FROM generate_series(1, 200000) AS n`,
      [sources, NOW],
    );
    await getPool().query("ANALYZE deliveries");
    const start = new Date("2026-11-29T13:00:00.000Z");
    const plan = await getPrisma().$queryRaw<Array<{ "QUERY PLAN": string }>>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${hourlyActivityQuery(start, NOW)}`);
    const lines = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(lines, lines).toMatch(/on delivery_hour_counts/);
    expect(lines, lines).not.toMatch(/Seq Scan on deliveries/);
    // The current hour's half hour of deliveries (at most), not the day's ~2,200.
    const deliveryRows = [...lines.matchAll(/(?:Index|Index Only|Bitmap Heap) Scan (?:using \S+ )?on deliveries.*actual [^)]*rows=([\d.]+)/g)].map((match) =>
      Number(match[1]),
    );
    expect(deliveryRows.length, lines).toBeGreaterThan(0);
    expect(Math.max(...deliveryRows), lines).toBeLessThanOrEqual(100);
    const execution = Number(/Execution Time: ([\d.]+) ms/.exec(lines)![1]);
    console.log(`overview buckets over 200,000 deliveries: ${execution} ms\n${lines}`);

    const overview = await getOverview({ now: NOW });
    const bulk = overview.filter((source) => source.slug.startsWith("bulk-"));
    // 23.5 hours of one delivery every 39 s, spread over the 20 sources.
    expect(bulk.reduce((sum, source) => sum + source.total, 0)).toBe(Math.floor((NOW.getTime() - start.getTime()) / 39_000));
  });
});

async function setThreshold(cookie: string, fields: Record<string, string>): Promise<string> {
  const action = listServerActions().find((candidate) => candidate.name === "setSilenceAlertAction")!;
  const response = await callServerAction({
    baseUrl: env.app.baseUrl,
    pagePath: "/overview",
    actionId: action.id,
    fields,
    headers: { cookie },
    previousState: { error: null },
  });
  return response.text();
}

async function page(pathname: string, cookie: string): Promise<string> {
  const response = await fetch(`${env.app.baseUrl}${pathname}`, { headers: { cookie }, redirect: "manual" });
  expect(response.status).toBe(200);
  return response.text();
}

/** The markup of one source's card on the overview. */
function cardOf(html: string, slug: string): string {
  const start = html.indexOf(`data-source="${slug}"`);
  expect(start, `no card for ${slug}`).toBeGreaterThan(-1);
  const end = html.indexOf("</article>", start);
  return html.slice(start, end);
}

function text(html: string): string {
  return html
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, " ");
}
