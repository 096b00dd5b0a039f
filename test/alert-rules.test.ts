import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningSecret } from "@/lib/alerts/channels/channel-config.ts";
import { createChannel } from "@/lib/alerts/channels/create-channel.ts";
import { createRule } from "@/lib/alerts/rules/create-rule.ts";
import { removeRule } from "@/lib/alerts/rules/remove-rule.ts";
import { getPool, getPrisma } from "@/lib/db.ts";
import { setSilenceAlert } from "@/lib/overview/set-silence-alert.ts";
import { signMaskitDelivery } from "@/lib/senders/sign-maskit.ts";
import { addSecret } from "@/lib/sources/add-secret.ts";
import { revokeCredential } from "@/lib/sources/revoke-credential.ts";
import { startHttpReceiver, startSmtpReceiver, waitFor } from "./helpers/alert-receivers.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";

// Each rule firing and resolving on real deliveries posted to the running app, whose alert job
// runs every 0.3 s (ALERT_INTERVAL_SECONDS); thresholds are the rules' own, shortened. What the
// channels get is what is checked: a signed webhook per notification, and the email.

const PUBLIC_URL = "https://inbox.example.test";
const ACTOR = { kind: "system", name: "test" } as const;
let env: TestEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let hook: Awaited<ReturnType<typeof startHttpReceiver>>;
const secret = generateSigningSecret();
let image: Buffer;

interface Notification {
  type: string;
  data: { alertId: string; event: string; kind: string; title: string; detail: string; url: string };
}

/** Every webhook notification so far, each verified with the channel's secret. */
function notifications(kind?: string): Notification[] {
  const all = hook.requests.map((request) => new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as Notification);
  return kind ? all.filter((notification) => notification.data.kind === kind) : all;
}

function waitForEvent(kind: string, event: string): Promise<Notification[]> {
  return waitFor(
    () => {
      const matching = notifications(kind).filter((notification) => notification.data.event === event);
      return matching.length > 0 ? matching : null;
    },
    20_000,
    `${kind} ${event}`,
  );
}

async function post(slug: string, signingSecret: string, metadata = "m") {
  const delivery = signMaskitDelivery({ image, mimeType: "image/jpeg", fileName: "a.jpg", metadata, secret: signingSecret });
  return (await env.post(slug, delivery.body, delivery.headers)).status;
}

beforeAll(async () => {
  image = await makeJpeg(32, 32);
  smtp = await startSmtpReceiver();
  hook = await startHttpReceiver();
  env = await startTestEnvironment({ SMTP_URL: smtp.url, PUBLIC_URL, ALERT_INTERVAL_SECONDS: "0.3", ALLOW_PRIVATE_DESTINATIONS: "1" });
  await createChannel({ actor: ACTOR, name: "pager", config: { kind: "webhook", url: hook.url, secret } });
  await createChannel({ actor: ACTOR, name: "ops mail", config: { kind: "email", to: ["ops@example.com"] } });
});

afterAll(async () => {
  await env?.close();
  await smtp?.close();
  await hook?.close();
});

describe("silence", () => {
  it("fires once the source is silent past its threshold, by email too, and resolves with the next delivery", async () => {
    await env.createMaskitSource("quiet-camera", ["whsec_quiet-camera-secret-0000000000"]);
    const rule = await createRule({ actor: ACTOR, kind: "silence", sourceSlug: "quiet-camera", params: { thresholdSeconds: 2 } });
    expect(await post("quiet-camera", "whsec_quiet-camera-secret-0000000000")).toBe(200);
    const posted = Date.now();
    const [fired] = await waitForEvent("silence", "fired");
    expect(Date.now() - posted).toBeGreaterThanOrEqual(1900);
    expect(fired.data).toMatchObject({ title: "Test quiet-camera (quiet-camera) is silent", url: `${PUBLIC_URL}/overview` });
    const mail = await waitFor(() => smtp.messages.find((message) => message.subject.includes("is silent")), 10_000, "the email");
    expect(mail.to).toEqual(["ops@example.com"]);
    expect(mail.subject).toBe("[webhook-inbox] FIRING: Test quiet-camera (quiet-camera) is silent");
    expect(mail.text).toContain(`${PUBLIC_URL}/overview`);

    const open = await (await env.api("/api/alerts")).json();
    expect(open.items).toEqual([expect.objectContaining({ id: fired.data.alertId, kind: "silence", source: "quiet-camera", url: `${PUBLIC_URL}/overview` })]);
    expect((await fetch(`${env.app.baseUrl}/api/alerts`)).status).toBe(401);

    expect(await post("quiet-camera", "whsec_quiet-camera-secret-0000000000")).toBe(200);
    const [resolved] = await waitForEvent("silence", "resolved");
    expect(resolved.data.alertId).toBe(fired.data.alertId);
    await removeRule({ actor: ACTOR, ruleId: rule.id });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Once each, however many evaluations ran while it lasted.
    const ofAlert = notifications("silence").filter((notification) => notification.data.alertId === fired.data.alertId);
    expect(ofAlert.map((notification) => notification.data.event)).toEqual(["fired", "resolved"]);
    expect((await (await env.api("/api/alerts")).json()).items).toEqual([]);
    const audit = await getPrisma().auditEvent.findMany({
      where: { targetId: fired.data.alertId, action: { in: ["alert.fired", "alert.resolved"] } },
      select: { action: true, detail: true },
      orderBy: { at: "asc" },
    });
    expect(audit.map((entry) => entry.action)).toEqual(["alert.fired", "alert.resolved"]);
    expect(audit[0].detail).toMatchObject({ channels: ["ops mail", "pager"] });
  });

  it("the overview's per-source silence threshold alerts as well, and turning it off resolves it", async () => {
    const source = await env.createMaskitSource("overview-camera", ["whsec_overview-camera-secret-000000"]);
    // Never received anything, created two minutes ago: silent for longer than its one minute.
    await getPool().query("UPDATE sources SET created_at = now() - interval '2 minutes' WHERE id = $1", [source.id]);
    await setSilenceAlert({ actor: ACTOR, sourceId: source.id, minutes: 1 });
    const fired = await waitFor(
      () => notifications("silence").find((n) => n.data.event === "fired" && n.data.title.includes("overview-camera")),
      20_000,
      "the overview silence alert",
    );
    expect(fired.data.detail).toContain("threshold 1 min");
    await setSilenceAlert({ actor: ACTOR, sourceId: source.id, minutes: null });
    await waitFor(() => notifications("silence").find((n) => n.data.event === "resolved" && n.data.alertId === fired.data.alertId), 20_000, "its resolution");
  });
});

describe("failure rate", () => {
  it("fires past the share of failed deliveries once there are enough of them, and resolves as verified ones arrive", async () => {
    const secretText = "whsec_flaky-camera-secret-00000000000";
    await env.createMaskitSource("flaky-camera", [secretText]);
    await createRule({ actor: ACTOR, kind: "failure_rate", sourceSlug: "flaky-camera", params: { percent: 20, minDeliveries: 4, windowSeconds: 600 } });
    for (let index = 0; index < 3; index += 1) expect(await post("flaky-camera", "whsec_not-the-right-secret-000000000", `bad ${index}`)).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(notifications("failure_rate")).toEqual([]); // 3 of 3 failed, but fewer than 4 deliveries
    expect(await post("flaky-camera", "whsec_not-the-right-secret-000000000", "bad 3")).toBe(401);
    const [fired] = await waitForEvent("failure_rate", "fired");
    expect(fired.data).toMatchObject({
      title: "Test flaky-camera (flaky-camera): 100% of deliveries failing",
      url: `${PUBLIC_URL}/deliveries?source=flaky-camera`,
    });
    expect(fired.data.detail).toBe("4 of 4 deliveries in the last 10 min failed or were rejected (threshold 20%).");
    // 4 failed of 20 is 20%, not more: resolved.
    for (let index = 0; index < 16; index += 1) expect(await post("flaky-camera", secretText, `good ${index}`)).toBe(200);
    const [resolved] = await waitForEvent("failure_rate", "resolved");
    expect(resolved.data.alertId).toBe(fired.data.alertId);
    expect(notifications("failure_rate").map((notification) => notification.data.event)).toEqual(["fired", "resolved"]);
  });
});

describe("credentials", () => {
  it("fires for a credential expiring within the days given, and resolves when it is revoked", async () => {
    const source = await env.createMaskitSource("rotating-camera", ["whsec_rotating-camera-new-secret-0000"]);
    const old = await addSecret(getPrisma(), {
      sourceId: source.id,
      secret: Buffer.from("whsec_rotating-camera-old-secret-0000"),
      label: "old secret",
      expiresAt: new Date(Date.now() + 3 * 86_400_000),
    });
    await createRule({ actor: ACTOR, kind: "credential", sourceSlug: "rotating-camera", params: { expiringWithinDays: 7, retiredUseWindowSeconds: 3 } });
    const [fired] = await waitForEvent("credential_expiring", "fired");
    expect(fired.data.title).toMatch(/^Test rotating-camera \(rotating-camera\): credential "old secret" expires \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(fired.data.url).toBe(`${PUBLIC_URL}/sources/${source.id}`);
    expect(fired.data.detail).toContain(old.fingerprint);

    await revokeCredential({ actor: ACTOR, credentialId: old.id });
    await waitForEvent("credential_expiring", "resolved");

    // The sender still signs with the revoked secret: refused, and that is an alert of its own.
    expect(await post("rotating-camera", "whsec_rotating-camera-old-secret-0000")).toBe(401);
    const [retired] = await waitForEvent("retired_credential_use", "fired");
    expect(retired.data.title).toBe("Test rotating-camera (rotating-camera): deliveries signed with a revoked or expired credential");
    const { rows } = await getPool().query<{ id: string }>("SELECT id FROM deliveries WHERE source_id = $1 AND status = 'failed'", [source.id]);
    expect(retired.data.url).toBe(`${PUBLIC_URL}/deliveries/${rows[0].id}`);
    // Nothing more signed with it for the rule's window (3 s): resolved.
    await waitForEvent("retired_credential_use", "resolved");
  });
});
