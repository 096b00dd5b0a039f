import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningSecret } from "@/lib/alerts/channels/channel-config.ts";
import { createChannel } from "@/lib/alerts/channels/create-channel.ts";
import { createRule } from "@/lib/alerts/rules/create-rule.ts";
import { createDestination } from "@/lib/forwarding/create-destination.ts";
import { replayDelivery } from "@/lib/forwarding/replay-delivery.ts";
import { setDestinationEnabled } from "@/lib/forwarding/set-destination-enabled.ts";
import { signMaskitDelivery } from "@/lib/senders/sign-maskit.ts";
import { startHttpReceiver, waitFor } from "./helpers/alert-receivers.ts";
import { startDestinationServer, type DestinationServer } from "./helpers/destination-server.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";

// The forwarding rules on real forwarding state: the running app forwards real deliveries to
// destination servers started here, and its alert job (every 0.3 s) fires and resolves as the
// destination is paused by a 410 and resumed, or as its backlog ages past the threshold and is
// delivered. A 503 is retried only after 10 minutes (FORWARD_RETRY_SCHEDULE), so it waits.

const ACTOR = { kind: "system", name: "test" } as const;
let env: TestEnvironment;
let hook: Awaited<ReturnType<typeof startHttpReceiver>>;
const servers: DestinationServer[] = [];
const secret = generateSigningSecret();
let image: Buffer;

interface Notification {
  data: { alertId: string; event: string; kind: string; title: string; detail: string; url: string };
}

const notifications = (kind: string): Notification[] =>
  hook.requests
    .map((request) => new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as Notification)
    .filter((notification) => notification.data.kind === kind);

const waitForEvent = (kind: string, event: string) =>
  waitFor(() => notifications(kind).find((notification) => notification.data.event === event), 20_000, `${kind} ${event}`);

async function post(slug: string, signingSecret: string, metadata: string) {
  const delivery = signMaskitDelivery({ image, mimeType: "image/jpeg", fileName: "a.jpg", metadata, secret: signingSecret });
  const response = await env.post(slug, delivery.body, delivery.headers);
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string };
}

async function destinationFor(slug: string, answer: Parameters<typeof startDestinationServer>[0]) {
  const server = await startDestinationServer(answer);
  servers.push(server);
  const { destination } = await createDestination({ source: slug, url: server.url, name: `${slug} pipeline`, actor: ACTOR });
  return { server, destination };
}

beforeAll(async () => {
  image = await makeJpeg(32, 32);
  hook = await startHttpReceiver();
  env = await startTestEnvironment({
    ALLOW_PRIVATE_DESTINATIONS: "1",
    PUBLIC_URL: "https://inbox.example.test",
    ALERT_INTERVAL_SECONDS: "0.3",
    FORWARD_POLL_INTERVAL_MS: "100",
    FORWARD_RETRY_SCHEDULE: "0,600",
    FORWARD_TIMEOUT_MS: "2000",
  });
  await createChannel({ actor: ACTOR, name: "pager", config: { kind: "webhook", url: hook.url, secret } });
}, 240_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await env?.close();
  await hook?.close();
});

describe("forwarding alert rules", () => {
  it("a destination paused by 410 Gone fires, and resolves when it is resumed", { timeout: 60_000 }, async () => {
    const SECRET = "whsec_paused-camera-secret-000000000";
    await env.createMaskitSource("paused-camera", [SECRET]);
    let isGone = true;
    const { server, destination } = await destinationFor("paused-camera", () => (isGone ? { status: 410 } : { status: 200 }));
    await createRule({ actor: ACTOR, kind: "destination_paused", sourceSlug: "paused-camera" });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(notifications("destination_paused")).toEqual([]); // enabled: nothing to say

    await post("paused-camera", SECRET, "gone");
    const fired = await waitForEvent("destination_paused", "fired");
    expect(fired.data).toMatchObject({
      title: 'Test paused-camera (paused-camera): destination "paused-camera pipeline" is paused',
      detail: "Paused: the destination answered 410 Gone. 1 delivery waits until it is resumed.",
      url: "https://inbox.example.test/forwarding",
    });
    const open = await (await env.api("/api/alerts")).json();
    expect(open.items).toEqual([expect.objectContaining({ id: fired.data.alertId, kind: "destination_paused", source: "paused-camera" })]);

    isGone = false;
    await setDestinationEnabled({ destinationId: destination.id, isEnabled: true, actor: ACTOR });
    const resolved = await waitForEvent("destination_paused", "resolved");
    expect(resolved.data.alertId).toBe(fired.data.alertId);
    await server.waitFor(2); // what waited was sent on resume
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(notifications("destination_paused").map((notification) => notification.data.event)).toEqual(["fired", "resolved"]);
  });

  it("a backlog older than the threshold fires, and resolves once it is delivered", { timeout: 60_000 }, async () => {
    const SECRET = "whsec_backlog-camera-secret-00000000";
    await env.createMaskitSource("backlog-camera", [SECRET]);
    let isDown = true;
    const { server } = await destinationFor("backlog-camera", () => (isDown ? { status: 503, body: "maintenance" } : { status: 200 }));
    await createRule({ actor: ACTOR, kind: "forwarding_backlog", sourceSlug: "backlog-camera", params: { thresholdSeconds: 2 } });

    const { id } = await post("backlog-camera", SECRET, "behind");
    const posted = Date.now();
    await server.waitFor(1); // tried once, retried in 10 minutes: waiting
    const fired = await waitForEvent("forwarding_backlog", "fired");
    expect(Date.now() - posted).toBeGreaterThanOrEqual(1900);
    expect(fired.data.title).toBe('Test backlog-camera (backlog-camera): forwarding to "backlog-camera pipeline" is behind');
    expect(fired.data.detail).toMatch(/^1 delivery waits; the oldest since \d{4}-\d\d-\d\dT[\d:.]+Z \(threshold 2 s\)\.$/);

    isDown = false;
    await replayDelivery({ deliveryId: id, actor: ACTOR });
    await server.waitFor(2);
    const resolved = await waitForEvent("forwarding_backlog", "resolved");
    expect(resolved.data.alertId).toBe(fired.data.alertId);
    expect(notifications("forwarding_backlog").map((notification) => notification.data.event)).toEqual(["fired", "resolved"]);
  });
});
