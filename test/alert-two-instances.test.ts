import path from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningSecret } from "@/lib/alerts/channels/channel-config.ts";
import { createChannel } from "@/lib/alerts/channels/create-channel.ts";
import { createRule } from "@/lib/alerts/rules/create-rule.ts";
import { removeRule } from "@/lib/alerts/rules/remove-rule.ts";
import { getPrisma } from "@/lib/db.ts";
import { signMaskitDelivery } from "@/lib/senders/sign-maskit.ts";
import { startHttpReceiver, waitFor } from "./helpers/alert-receivers.ts";
import { startAppServer, type AppServer } from "./helpers/app-server.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";

// Two app instances on one database, both evaluating every 0.2 s and sending what is due: one
// alert, not two; each repeat (every ~3 s here, ALERT_REPEAT_HOURS) sent once; one resolution.

// The channel's receiver is on loopback: allowed only with ALLOW_PRIVATE_DESTINATIONS.
const ALERT_ENV = {
  ALLOW_PRIVATE_DESTINATIONS: "1",
  ALERT_INTERVAL_SECONDS: "0.2",
  ALERT_REPEAT_HOURS: String(3 / 3600),
  PUBLIC_URL: "https://inbox.example.test",
};
const ACTOR = { kind: "system", name: "test" } as const;
let env: TestEnvironment;
let second: AppServer;
let hook: Awaited<ReturnType<typeof startHttpReceiver>>;
const secret = generateSigningSecret();

beforeAll(async () => {
  hook = await startHttpReceiver();
  env = await startTestEnvironment(ALERT_ENV);
  second = await startAppServer({
    ...ALERT_ENV,
    DATABASE_URL: env.db.url,
    DATA_DIR: path.join(env.dataDir, "second"),
    BLOB_DIR: path.join(env.dataDir, "blobs"),
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
  });
});

afterAll(async () => {
  await second?.stop();
  await env?.close();
  await hook?.close();
});

describe("two instances", () => {
  it("send one alert, each repeat once, and one resolution", async () => {
    await createChannel({ actor: ACTOR, name: "pager", config: { kind: "webhook", url: hook.url, secret } });
    const source = await env.createMaskitSource("lonely-camera", ["whsec_lonely-camera-secret-000000000"]);
    const rule = await createRule({ actor: ACTOR, kind: "silence", params: { thresholdSeconds: 2 } }); // for all sources
    const events = () =>
      hook.requests.map(
        (request) => (new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { data: { event: string } }).data.event,
      );
    await waitFor(() => events().includes("fired"), 20_000, "the alert");
    await waitFor(() => events().filter((event) => event === "repeated").length >= 2, 20_000, "two repeats");

    const delivery = signMaskitDelivery({
      image: await makeJpeg(32, 32),
      mimeType: "image/jpeg",
      fileName: "a.jpg",
      metadata: "back",
      secret: "whsec_lonely-camera-secret-000000000",
    });
    expect((await env.post("lonely-camera", delivery.body, delivery.headers)).status).toBe(200);
    await waitFor(() => events().includes("resolved"), 20_000, "the resolution");
    // Before the source is silent again (2 s after its delivery), and its alert with it.
    await removeRule({ actor: ACTOR, ruleId: rule.id });
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const all = events();
    expect(
      all.filter((event) => event === "fired"),
      all.join(", "),
    ).toHaveLength(1);
    expect(all.filter((event) => event === "resolved")).toHaveLength(1);
    expect(all.at(-1)).toBe("resolved");
    // Every notification arrived once (webhook-id is the notification's id), and repeats kept their distance.
    const ids = hook.requests.map((request) => request.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(ids.length);
    // The distance is the product's decision (when each repeat was made), not when a loaded
    // machine happened to deliver it: arrivals can bunch up without any repeat being early.
    const made = await getPrisma().alertNotification.findMany({ where: { event: { not: "resolved" } }, orderBy: { createdAt: "asc" } });
    expect(made.length).toBeGreaterThanOrEqual(2);
    for (let index = 1; index < made.length; index += 1) expect(made[index].createdAt.getTime() - made[index - 1].createdAt.getTime()).toBeGreaterThan(2500);
    expect(await getPrisma().alert.count({ where: { sourceId: source.id } })).toBe(1);
    expect(await getPrisma().alertSend.count({ where: { status: { not: "sent" } } })).toBe(0);
  });
});
