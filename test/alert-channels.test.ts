import { execFileSync } from "node:child_process";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningSecret } from "@/lib/alerts/channels/channel-config.ts";
import { createChannel } from "@/lib/alerts/channels/create-channel.ts";
import { sendTestAlert } from "@/lib/alerts/send-test-alert.ts";
import { createSession } from "@/lib/auth/sessions.ts";
import { getPool, getPrisma } from "@/lib/db.ts";
import { signMaskitDelivery } from "@/lib/senders/sign-maskit.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { startHttpReceiver, startSmtpReceiver, waitFor } from "./helpers/alert-receivers.ts";
import { freePort } from "./helpers/app-server.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { commandLine } from "./helpers/command-line.ts";

// Alert channels against real servers on this machine: an SMTP server, and HTTP endpoints for
// Slack and webhooks that check what arrives (the webhook's Standard Webhooks signature with the
// reference library). Then the faults: a channel answering 500 is retried with backoff and
// recorded as failed; a slow one and an SMTP server that is down hold up neither the others nor
// ingest; nothing is sent twice; and no URL or secret is readable at rest or on the page.

const PUBLIC_URL = "https://inbox.example.test";
let env: TestEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let adminCookie: string;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  env = await startTestEnvironment({
    // The Slack and webhook receivers here are on loopback (test/alert-channel-address.test.ts checks the refusal).
    ALLOW_PRIVATE_DESTINATIONS: "1",
    SMTP_URL: smtp.url,
    PUBLIC_URL,
    ALERT_FROM: "Inbox alerts <alerts@inbox.example.test>",
    ALERT_INTERVAL_SECONDS: "0.5",
    ALERT_RETRY_BASE_SECONDS: "0.3",
    ALERT_MAX_ATTEMPTS: "3",
    ALERT_SEND_TIMEOUT_SECONDS: "1",
  });
  const admin = await createUser({ email: "alerts-admin@example.com", role: "admin", password: "a long enough password" });
  adminCookie = `webhook_inbox_session=${(await createSession(admin.id)).token}`;
});

afterAll(async () => {
  await env?.close();
  await smtp?.close();
});

describe("channels", () => {
  it("email: one message to every address, from ALERT_FROM, with the subject and the link", async () => {
    const channel = await createChannel({
      actor: { kind: "system", name: "test" },
      name: "ops mail",
      config: { kind: "email", to: ["ops@example.com", "oncall@example.com"] },
    });
    const outcome = await sendTestAlert({ actor: { kind: "system", name: "test" }, channelId: channel.id });
    expect(outcome).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail.from).toBe("alerts@inbox.example.test");
    expect(mail.to.sort()).toEqual(["oncall@example.com", "ops@example.com"]);
    expect(mail.subject).toBe("[webhook-inbox] TEST: Test alert from webhook-inbox");
    expect(mail.text).toContain(`${PUBLIC_URL}/alerts`);
  });

  it("slack: a short text with the link to the page, as incoming webhooks take it", async () => {
    const hook = await startHttpReceiver();
    try {
      const channel = await createChannel({ actor: { kind: "system", name: "test" }, name: "team chat", config: { kind: "slack", url: hook.url } });
      expect((await sendTestAlert({ actor: { kind: "system", name: "test" }, channelId: channel.id })).status).toBe("sent");
      expect(hook.requests).toHaveLength(1);
      expect(hook.requests[0].headers["content-type"]).toBe("application/json");
      const body = JSON.parse(hook.requests[0].body);
      expect(Object.keys(body)).toEqual(["text"]);
      expect(body.text).toMatch(/^TEST: Test alert from webhook-inbox\n/);
      expect(body.text.split("\n").at(-1)).toBe(`${PUBLIC_URL}/alerts`);
    } finally {
      await hook.close();
    }
  });

  it("webhook: JSON whose Standard Webhooks signature verifies with the channel's secret", async () => {
    const hook = await startHttpReceiver();
    try {
      const secret = generateSigningSecret();
      const channel = await createChannel({ actor: { kind: "system", name: "test" }, name: "pager", config: { kind: "webhook", url: hook.url, secret } });
      expect((await sendTestAlert({ actor: { kind: "system", name: "test" }, channelId: channel.id })).status).toBe("sent");
      const [request] = hook.requests;
      const payload = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as {
        type: string;
        data: { url: string; notificationId: string };
      };
      expect(payload.type).toBe("alert.test");
      expect(payload.data.url).toBe(`${PUBLIC_URL}/alerts`);
      expect(request.headers["webhook-id"]).toBe(payload.data.notificationId);
      expect(() => new Webhook(generateSigningSecret()).verify(request.body, request.headers as Record<string, string>)).toThrow();
    } finally {
      await hook.close();
    }
  });

  it("keeps URLs, SMTP passwords and signing secrets encrypted, and off the page", async () => {
    const secret = generateSigningSecret();
    // A host that resolves here (a channel URL's addresses are checked when it is added).
    await createChannel({
      actor: { kind: "system", name: "test" },
      name: "secret hook",
      config: { kind: "webhook", url: "https://localhost:8443/T000/very-secret-path", secret },
    });
    await createChannel({
      actor: { kind: "system", name: "test" },
      name: "own smtp",
      config: { kind: "email", to: ["a@example.com"], smtpUrl: "smtp://mailer:pa55word-xyz@mail.example.test:587" },
    });
    const { rows } = await getPool().query<{ name: string; summary: string; config_ciphertext: Buffer }>(
      "SELECT name, summary, config_ciphertext FROM alert_channels WHERE name IN ('secret hook', 'own smtp') ORDER BY name",
    );
    expect(rows.map((row) => [row.name, row.summary])).toEqual([
      ["own smtp", "a@example.com via mail.example.test:587"],
      ["secret hook", "POST to localhost:8443"],
    ]);
    for (const row of rows) {
      for (const needle of ["very-secret-path", "pa55word-xyz", secret.slice(6)]) expect(row.config_ciphertext.includes(needle)).toBe(false);
    }
    const page = await (await fetch(`${env.app.baseUrl}/alerts`, { headers: { cookie: adminCookie } })).text();
    expect(page).toContain("POST to localhost:8443");
    for (const needle of ["very-secret-path", "pa55word", secret.slice(6)]) expect(page).not.toContain(needle);
  });
});

describe("faults", () => {
  it("retries a channel answering 500 with backoff, then records it as failed and shows why", async () => {
    const hook = await startHttpReceiver({ status: () => 500 });
    try {
      const channel = await createChannel({ actor: { kind: "system", name: "test" }, name: "broken chat", config: { kind: "slack", url: hook.url } });
      const first = await sendTestAlert({ actor: { kind: "system", name: "test" }, channelId: channel.id });
      expect(first).toMatchObject({ status: "pending", attempts: 1, lastError: "answered 500: no such hook" });
      // The app's alert job retries it: 3 attempts in all (ALERT_MAX_ATTEMPTS), then it gives up.
      const send = await waitFor(() => getPrisma().alertSend.findFirst({ where: { channelId: channel.id, status: "failed" } }), 20_000, "the send to give up");
      expect(send).toMatchObject({ attempts: 3, lastError: "answered 500: no such hook", sentAt: null });
      expect(hook.requests).toHaveLength(3);
      // Backoff: 0.3 s, then 0.6 s (each retry waits for the next job run as well).
      expect(hook.requests[1].at - hook.requests[0].at).toBeGreaterThanOrEqual(280);
      expect(hook.requests[2].at - hook.requests[1].at).toBeGreaterThanOrEqual(580);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(hook.requests).toHaveLength(3);
      const audit = await getPrisma().auditEvent.findFirstOrThrow({ where: { action: "alert.send_failed", targetName: "broken chat" } });
      expect(audit.detail).toMatchObject({ channel: "broken chat", attempts: 3, error: "answered 500: no such hook" });
      const page = await (await fetch(`${env.app.baseUrl}/alerts`, { headers: { cookie: adminCookie } })).text();
      expect(page).toContain("answered 500: no such hook");
    } finally {
      await hook.close();
    }
  });

  it("an SMTP server that refuses the recipients: recorded with its answer, and retried", async () => {
    const refusing = await startSmtpReceiver({ refuseRecipients: true });
    try {
      const channel = await createChannel({
        actor: { kind: "system", name: "test" },
        name: "refused mail",
        config: { kind: "email", to: ["nobody@example.com"], smtpUrl: refusing.url },
      });
      const outcome = await sendTestAlert({ actor: { kind: "system", name: "test" }, channelId: channel.id });
      expect(outcome.status).toBe("pending");
      expect(outcome.lastError).toMatch(/550 mailbox unavailable/);
      expect(refusing.messages).toEqual([]);
      await waitFor(() => getPrisma().alertSend.findFirst({ where: { channelId: channel.id, status: "failed" } }), 20_000, "the send to give up");
    } finally {
      await refusing.close();
    }
  });

  it("a slow webhook and an SMTP server that is down hold up neither the other channels nor ingest", async () => {
    const slow = await startHttpReceiver({ delayMs: 5000 });
    const fast = await startHttpReceiver();
    const closedPort = await freePort();
    try {
      const actor = { kind: "system", name: "test" } as const;
      const channels = await Promise.all([
        createChannel({ actor, name: "slow hook", config: { kind: "webhook", url: slow.url, secret: generateSigningSecret() } }),
        createChannel({ actor, name: "dead smtp", config: { kind: "email", to: ["x@example.com"], smtpUrl: `smtp://127.0.0.1:${closedPort}` } }),
        createChannel({ actor, name: "fast chat", config: { kind: "slack", url: fast.url } }),
      ]);
      const created = Date.now();
      // One notification for all three, as an alert makes it; the app's job sends it.
      await getPrisma().alertNotification.create({
        data: { event: "test", sends: { create: channels.map((channel) => ({ channelId: channel.id, channelName: channel.name })) } },
      });
      await waitFor(() => slow.requests.length > 0, 10_000, "the slow hook to be called");
      const source = await env.createMaskitSource("busy-while-alerting", ["whsec_busy-while-alerting-secret-000"]);
      expect(source.id).toBeTruthy();
      const delivery = signMaskitDelivery({
        image: await makeJpeg(32, 32),
        mimeType: "image/jpeg",
        fileName: "a.jpg",
        metadata: "during a slow alert",
        secret: "whsec_busy-while-alerting-secret-000",
      });
      const posted = Date.now();
      expect((await env.post("busy-while-alerting", delivery.body, delivery.headers)).status).toBe(200);
      expect(Date.now() - posted).toBeLessThan(2000);
      await waitFor(() => fast.requests.length > 0, 10_000, "the fast channel");
      expect(fast.requests[0].at - created).toBeLessThan(3000);
      const slowSend = await waitFor(
        () => getPrisma().alertSend.findFirst({ where: { channelId: channels[0].id, lastError: { not: null } } }),
        10_000,
        "the slow send's timeout",
      );
      expect(slowSend.lastError).toBe("no answer within 1 s");
      const deadSend = await waitFor(
        () => getPrisma().alertSend.findFirst({ where: { channelId: channels[1].id, lastError: { not: null } } }),
        10_000,
        "the SMTP failure",
      );
      expect(deadSend.lastError).toMatch(/ECONNREFUSED/);
      expect(fast.requests).toHaveLength(1);
    } finally {
      await slow.close();
      await fast.close();
    }
  });
});

describe("npm run cli -- channel", () => {
  const cli = (args: string[]) =>
    execFileSync(process.execPath, commandLine("cli", ["channel", ...args]), {
      env: { ...process.env, DATABASE_URL: env.db.url, DATA_DIR: env.dataDir },
      encoding: "utf8",
    });

  it("adds a webhook channel whose secret comes once, alone on the last line; lists it without its URL; removes it", async () => {
    const hook = await startHttpReceiver();
    try {
      const added = cli(["add", "--kind", "webhook", "--name", "cli hook", "--url", `${hook.url}?token=cli-secret-token`]);
      const secret = added.trimEnd().split("\n").at(-1)!;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      const listed = cli(["list"]);
      expect(listed).toContain("cli hook");
      expect(listed).not.toContain("cli-secret-token");
      const channel = await getPrisma().alertChannel.findUniqueOrThrow({ where: { name: "cli hook" } });
      expect((await sendTestAlert({ actor: { kind: "system", name: "test" }, channelId: channel.id })).status).toBe("sent");
      expect(() => new Webhook(secret).verify(hook.requests[0].body, hook.requests[0].headers as Record<string, string>)).not.toThrow();
      expect(cli(["remove", "--name", "cli hook"])).toContain('"cli hook" removed');
      expect(await getPrisma().alertChannel.count({ where: { name: "cli hook" } })).toBe(0);
      const audit = await getPrisma().auditEvent.findMany({
        where: { targetName: "cli hook", action: { in: ["alert_channel.create", "alert_channel.remove"] } },
        select: { action: true, actorName: true },
        orderBy: { at: "asc" },
      });
      expect(audit).toEqual([
        { action: "alert_channel.create", actorName: "command line" },
        { action: "alert_channel.remove", actorName: "command line" },
      ]);
    } finally {
      await hook.close();
    }
  });
});
