import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db.ts";
import { serverBundle } from "@/scripts/lib/server-bundles.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";
import { rawPost } from "./helpers/raw-http.ts";

// PostgreSQL goes away while the app runs: deliveries are answered 503 with Retry-After (so the
// provider retries), nothing is half-written, and service resumes by itself once it is back.

const SECRET = "whsec_outage-test-secret-0123456789";
let env: TestEnvironment;
let image: Buffer;

const signed = (metadata: string) => {
  const delivery = maskitBody(image, metadata);
  return {
    body: delivery.body,
    headers: { "content-type": delivery.contentType, "x-signature": createHmac("sha256", SECRET).update(delivery.body).digest("hex") },
  };
};

beforeAll(async () => {
  // The periodic jobs run every second, so that the outage below reaches them too.
  env = await startTestEnvironment({ RETENTION_INTERVAL_SECONDS: "1", BLOB_SWEEP_INTERVAL_SECONDS: "1" });
  await env.createMaskitSource("camera", [SECRET]);
  image = await makeJpeg(1280, 720);
});

afterAll(async () => {
  await env?.close();
});

describe("storage outage", () => {
  it("answers 503 with Retry-After while PostgreSQL is down, then recovers", async () => {
    const before = signed("before outage");
    expect((await env.post("camera", before.body, before.headers)).status).toBe(200);

    await env.db.stop();
    const during = signed("during outage");
    const refused = await env.post("camera", during.body, during.headers);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

    await env.db.restart();
    const retried = await env.post("camera", during.body, during.headers);
    expect(retried.status).toBe(200);
    expect(await getPrisma().delivery.count({ where: { metadata: "during outage" } })).toBe(1);
  });

  it("answers 503 when PostgreSQL stops while a body is being received, and writes nothing", async () => {
    image = await makeJpeg(1280, 720, { seed: 12 });
    const delivery = signed("stopped mid-upload");
    const imagesBefore = await getPrisma().image.count();
    const response = await rawPost({
      port: env.app.port,
      path: "/api/webhooks/camera",
      headers: { ...delivery.headers, "content-length": String(delivery.body.length) },
      body: delivery.body,
      // The source was looked up and half the body is in when the database stops.
      pauseAfter: Math.floor(delivery.body.length / 2),
      duringPause: async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await env.db.stop();
      },
    });
    expect(response?.status).toBe(503);
    expect(Number(response?.headers["retry-after"])).toBeGreaterThan(0);
    await env.db.restart();
    expect(await getPrisma().delivery.count({ where: { metadata: "stopped mid-upload" } })).toBe(0);
    expect(await getPrisma().image.count()).toBe(imagesBefore);
    const retried = await env.post("camera", delivery.body, delivery.headers);
    expect(retried.status).toBe(200);
  });

  it("keeps the app server alive through an outage, with no uncaught error, for streams, pages and jobs", async () => {
    const appPids = { receiver: serverPid("receiver"), dashboard: serverPid("dashboard") };
    expect(appPids.receiver, "the receiver process").toBeGreaterThan(0);
    expect(appPids.dashboard, "the dashboard process").toBeGreaterThan(0);
    const stream = await fetch(`${env.app.baseUrl}/api/events`, { headers: { authorization: `Bearer ${env.adminToken}` } });
    const reader = stream.body!.getReader();
    const outputBefore = env.app.output().length;
    await env.db.stop();
    const during = await Promise.all([env.api("/api/deliveries"), env.api("/api/gallery"), fetch(`${env.app.baseUrl}/sign-in`)]);
    for (const response of during) expect(response.status).toBeGreaterThanOrEqual(200);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // the jobs and the LISTEN connection meet the outage
    await env.db.restart();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await reader.cancel();
    expect({ receiver: serverPid("receiver"), dashboard: serverPid("dashboard") }, "the same server processes").toEqual(appPids);
    const logged = env.app.output().slice(outputBefore);
    expect(logged).not.toMatch(/uncaught|unhandled|the app server died/i);
    expect((await env.api("/api/deliveries")).status).toBe(200);
  });
});

/** The pid of one of the app's server processes (children of the launcher), from /proc. */
function serverPid(which: "receiver" | "dashboard"): number | undefined {
  const children = readFileSync(`/proc/${env.app.pid}/task/${env.app.pid}/children`, "utf8").trim().split(" ").filter(Boolean).map(Number);
  return children.find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(serverBundle(which)));
}
