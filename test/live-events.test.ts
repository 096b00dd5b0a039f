import { createHmac } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/lib/db.ts";
import { startAppServer, type AppServer } from "./helpers/app-server.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { openEventStream } from "./helpers/event-stream.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";

// GET /api/events across two app instances on one database: a delivery received by A reaches
// a stream opened on B; a reconnect with Last-Event-ID gets what it missed; each instance keeps
// one LISTEN connection however many streams are open.

const SECRET = "whsec_live-events-secret-0123456789";
let env: TestEnvironment;
let second: AppServer;
let secondDataDir: string;
let image: Buffer;
let serial = 0;

beforeAll(async () => {
  env = await startTestEnvironment();
  await env.createMaskitSource("live-camera", [SECRET]);
  secondDataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-second-"));
  await chmod(secondDataDir, 0o755);
  second = await startAppServer({
    DATABASE_URL: env.db.url,
    DATA_DIR: secondDataDir,
    BLOB_DIR: path.join(env.dataDir, "blobs"),
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
  });
  image = await makeJpeg(320, 240);
});

afterAll(async () => {
  await second?.stop();
  await env?.close();
  await rm(secondDataDir, { recursive: true, force: true });
});

async function deliver(secret = SECRET) {
  const { body, contentType } = maskitBody(image, `live ${serial++}`);
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  const response = await env.post("live-camera", body, { "content-type": contentType, "x-signature": signature });
  return (await response.json()) as { id: string };
}

describe("GET /api/events", () => {
  it("needs credentials", async () => {
    expect((await fetch(`${second.baseUrl}/api/events`)).status).toBe(401);
  });

  it("delivers an event on instance B for a delivery received by instance A", async () => {
    const stream = openEventStream(`${second.baseUrl}/api/events`, { authorization: `Bearer ${env.adminToken}` });
    await stream.ready;
    const verified = await deliver();
    const failed = await deliver("whsec_wrong-secret-000000000000000");
    const event = await stream.waitFor((candidate) => JSON.parse(candidate.data).id === verified.id);
    expect(event.event).toBe("delivery");
    expect(JSON.parse(event.data)).toEqual({ id: verified.id, source: "live-camera", status: "verified" });
    expect(event.id).toMatch(/^\d+$/);
    expect(JSON.parse((await stream.waitFor((candidate) => JSON.parse(candidate.data).id === failed.id)).data).status).toBe("failed");
    stream.close();
  });

  it("catches up from Last-Event-ID after a reconnect", async () => {
    const { rows } = await getPool().query<{ seq: string }>("SELECT max(seq)::text AS seq FROM deliveries");
    const missed = [await deliver(), await deliver()];
    const stream = openEventStream(`${second.baseUrl}/api/events`, { authorization: `Bearer ${env.adminToken}`, "last-event-id": rows[0].seq });
    await stream.ready;
    for (const { id } of missed) await stream.waitFor((candidate) => JSON.parse(candidate.data).id === id);
    expect(stream.events.map((event) => JSON.parse(event.data).id)).toEqual(missed.map((delivery) => delivery.id));
    stream.close();
  });

  it("keeps one LISTEN connection per instance, however many streams are open", async () => {
    const streams = Array.from({ length: 5 }, () => openEventStream(`${env.app.baseUrl}/api/events`, { authorization: `Bearer ${env.adminToken}` }));
    await Promise.all(streams.map((stream) => stream.ready));
    const { id } = await deliver();
    for (const stream of streams) await stream.waitFor((candidate) => JSON.parse(candidate.data).id === id);
    const { rows } = await getPool().query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE 'LISTEN deliveries%'"); // the same connection LISTENs for forwarding changes too
    expect(rows[0].n).toBe(2); // instance A and instance B
    for (const stream of streams) stream.close();
  });
});
