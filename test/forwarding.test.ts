import { createHmac, generateKeyPairSync, timingSafeEqual } from "node:crypto";
import busboy from "busboy";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/api-tokens.ts";
import { getPool } from "@/lib/db.ts";
import { createDestination } from "@/lib/forwarding/create-destination.ts";
import { setDestinationEnabled } from "@/lib/forwarding/set-destination-enabled.ts";
import { reverifyDelivery } from "@/lib/inspection/reverify-delivery.ts";
import { addSecret } from "@/lib/sources/add-secret.ts";
import { getPrisma } from "@/lib/db.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { canonicalForms } from "@/lib/signatures/edenai-canonical.ts";
import { signEdenaiPayload } from "@/lib/signatures/edenai.ts";
import { startDestinationServer, type DestinationServer, type Receipt } from "./helpers/destination-server.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";

// Forwarding end to end over real HTTP: the app receives signed deliveries and forwards them to
// destination servers started here, which check what a receiving system would check. The retry
// schedule is shortened through FORWARD_RETRY_SCHEDULE, not by mocking time.

const ACTOR = { kind: "system", name: "forwarding test" } as const;
const eden = generateKeyPairSync("rsa", { modulusLength: 2048 });
let env: TestEnvironment;
const servers: DestinationServer[] = [];

beforeAll(async () => {
  env = await startTestEnvironment({
    ALLOW_PRIVATE_DESTINATIONS: "1",
    FORWARD_RETRY_SCHEDULE: "0,0.3,0.3,0.3",
    FORWARD_POLL_INTERVAL_MS: "100",
    FORWARD_TIMEOUT_MS: "2000",
  });
}, 240_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await env?.close();
});

async function destinationFor(slug: string, answer?: Parameters<typeof startDestinationServer>[0]) {
  const server = await startDestinationServer(answer);
  servers.push(server);
  const { destination, secret } = await createDestination({ source: slug, url: server.url, name: `${slug} receiver`, actor: ACTOR });
  return { server, destination, secret };
}

async function postMaskit(slug: string, secret: string, metadata: string, image: Buffer, signWith = secret) {
  // An ASCII file name: the receiver decodes part file names as latin1 (busboy's default), see the closing note.
  const delivery = maskitBody(image, metadata, { filename: `${metadata.replace(/[^\x20-\x7e]/g, "_")}.jpg` });
  const signature = createHmac("sha256", signWith).update(delivery.body).digest("hex");
  const response = await env.post(slug, delivery.body, { "content-type": delivery.contentType, "x-signature": signature, "user-agent": "MaskIt/2.1" });
  return (await response.json()) as { id: string; status?: string };
}

async function forwardState(deliveryId: string, destinationId: string, want: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await getPool().query("SELECT state, attempts FROM forwards WHERE delivery_id = $1 AND destination_id = $2", [deliveryId, destinationId]);
    if (rows[0]?.state === want) return rows[0] as { state: string; attempts: number };
    if (Date.now() > deadline) throw new Error(`forward ${deliveryId} is ${JSON.stringify(rows[0])}, expected ${want}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const attemptsOf = async (deliveryId: string) =>
  (
    await getPool().query(
      "SELECT attempt, outcome, http_status, error, response_excerpt, next_retry_at FROM forwarding_attempts WHERE delivery_id = $1 ORDER BY attempt",
      [deliveryId],
    )
  ).rows;

describe("forwarding", () => {
  it("forwards a MaskIt delivery as multipart with the same metadata and image bytes, signed with Standard Webhooks headers", { timeout: 60_000 }, async () => {
    await env.createMaskitSource("cam", ["whsec_maskit-forwarding-secret-01"]);
    const { server, destination, secret } = await destinationFor("cam");
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const image = await makeJpeg(640, 360);
    const { id } = await postMaskit("cam", "whsec_maskit-forwarding-secret-01", "order-7 front ✓", image);
    const [receipt] = await server.waitFor(1);

    expect(receipt.headers["webhook-id"]).toBe(id);
    expect(receipt.headers["user-agent"]).toBe("MaskIt/2.1");
    expect(receipt.headers["x-signature"]).toBeUndefined();
    expectStandardSignature(receipt, secret);
    const parts = await parseMultipart(receipt);
    expect(parts.metadata).toBe("order-7 front ✓");
    expect(parts.image.filename).toBe("order-7 front _.jpg");
    expect(parts.image.mimeType).toBe("image/jpeg");
    expect(parts.image.data.equals(image)).toBe(true);
    await forwardState(id, destination.id, "delivered");
    expect(await attemptsOf(id)).toMatchObject([{ attempt: 1, outcome: "delivered", http_status: 200, response_excerpt: "ok" }]);
  });

  it("forwards an Eden AI delivery byte for byte; the library's verifier accepts its signature", { timeout: 60_000 }, async () => {
    await createSource({ kind: "edenai", slug: "eden", publicKeyPems: [eden.publicKey.export({ type: "pkcs1", format: "pem" }).toString()] });
    const { server, secret } = await destinationFor("eden");
    // Number literals and key order as sent: 1.0 must stay 1.0.
    const raw = Buffer.from(`{"public_id": "job-éa1", "status": "success", "score": 1.0, "b": 2, "a": {"z": [1, 2]}}`);
    const signed = canonicalForms(raw).find(({ form }) => form === "sorted-utf8")!.bytes;
    const response = await env.post("eden", raw, { "content-type": "application/json", "x-edenai-signature": signEdenaiPayload(signed, eden.privateKey) });
    const { id } = await response.json();
    const [receipt] = await server.waitFor(1);
    expect(receipt.body.equals(raw)).toBe(true);
    expect(receipt.headers["content-type"]).toBe("application/json");
    expect(receipt.headers["x-edenai-signature"]).toBeUndefined();
    expect(receipt.headers["webhook-id"]).toBe(id);
    const headers = Object.fromEntries(Object.entries(receipt.headers).map(([name, value]) => [name, String(value)]));
    expect(() => new Webhook(secret).verify(receipt.body.toString(), headers)).not.toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`).verify(receipt.body.toString(), headers)).toThrow();
  });

  it("never forwards a delivery that failed verification", { timeout: 60_000 }, async () => {
    await env.createMaskitSource("forged", ["whsec_forged-source-secret-000001"]);
    const { server } = await destinationFor("forged");
    const bad = await postMaskit("forged", "whsec_forged-source-secret-000001", "forged", await makeJpeg(64, 64), "whsec_wrong");
    const good = await postMaskit("forged", "whsec_forged-source-secret-000001", "genuine", await makeJpeg(64, 64));
    const receipts = await server.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receipts.map((receipt) => receipt.headers["webhook-id"])).toEqual([good.id]);
    expect(server.receipts).toHaveLength(1);
    expect((await getPool().query("SELECT count(*)::int AS n FROM forwards WHERE delivery_id = $1", [bad.id])).rows[0].n).toBe(0);
  });

  it("forwards a quarantined delivery once re-verification promotes it", { timeout: 60_000 }, async () => {
    const source = await env.createMaskitSource("late", ["whsec_late-source-secret-00000001"]);
    const { server, destination } = await destinationFor("late");
    const failed = await postMaskit(
      "late",
      "whsec_late-source-secret-00000001",
      "signed with a newer secret",
      await makeJpeg(64, 70),
      "whsec_the-secret-added-later-00001",
    );
    expect(failed.status).not.toBe("verified");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(server.receipts).toHaveLength(0);
    await addSecret(getPrisma(), { sourceId: source.id, secret: Buffer.from("whsec_the-secret-added-later-00001"), label: "added later" });
    expect(await reverifyDelivery({ deliveryId: failed.id, actor: ACTOR })).toMatchObject({ outcome: "verified" });
    const [receipt] = await server.waitFor(1);
    expect(receipt.headers["webhook-id"]).toBe(failed.id);
    await forwardState(failed.id, destination.id, "delivered");
  });

  it("retries 5xx along the schedule with the same webhook-id, then is delivered", { timeout: 60_000 }, async () => {
    await env.createMaskitSource("flaky", ["whsec_flaky-source-secret-0000001"]);
    const { server, destination, secret } = await destinationFor("flaky", (index) => (index < 3 ? { status: 503, body: "busy" } : { status: 204 }));
    const { id } = await postMaskit("flaky", "whsec_flaky-source-secret-0000001", "retry me", await makeJpeg(64, 64));
    const receipts = await server.waitFor(4);
    expect(new Set(receipts.map((receipt) => receipt.headers["webhook-id"]))).toEqual(new Set([id]));
    for (const receipt of receipts) expectStandardSignature(receipt, secret);
    // The schedule's 0.3 s (±10%) between attempts.
    for (let index = 1; index < 4; index++) expect(receipts[index].at - receipts[index - 1].at).toBeGreaterThanOrEqual(250);
    await forwardState(id, destination.id, "delivered");
    const attempts = await attemptsOf(id);
    expect(attempts.map((attempt) => [attempt.outcome, attempt.http_status])).toEqual([
      ["retrying", 503],
      ["retrying", 503],
      ["retrying", 503],
      ["delivered", 204],
    ]);
    expect(attempts[0].response_excerpt).toBe("busy");
    expect(attempts[0].next_retry_at).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(server.receipts).toHaveLength(4);
  });

  it("marks the forward failed after the last attempt, and fails other 4xx at once", { timeout: 60_000 }, async () => {
    await env.createMaskitSource("down", ["whsec_down-source-secret-00000001"]);
    const { server, destination } = await destinationFor("down", (index) => (index < 100 ? { status: 500 } : { status: 200 }));
    const always500 = await postMaskit("down", "whsec_down-source-secret-00000001", "never", await makeJpeg(64, 64));
    await forwardState(always500.id, destination.id, "failed");
    expect(server.receipts).toHaveLength(4); // the schedule has four entries
    expect((await attemptsOf(always500.id)).at(-1)).toMatchObject({ outcome: "failed", next_retry_at: null });

    await env.createMaskitSource("strict", ["whsec_strict-source-secret-000001"]);
    const strict = await destinationFor("strict", () => ({ status: 422, body: "unprocessable" }));
    const refused = await postMaskit("strict", "whsec_strict-source-secret-000001", "422", await makeJpeg(64, 64));
    await forwardState(refused.id, strict.destination.id, "failed");
    expect(strict.server.receipts).toHaveLength(1);
  });

  it("pauses the destination on 410 Gone, and resuming sends what waited", { timeout: 60_000 }, async () => {
    await env.createMaskitSource("gone", ["whsec_gone-source-secret-00000001"]);
    let isGone = true;
    const { server, destination } = await destinationFor("gone", () => (isGone ? { status: 410 } : { status: 200 }));
    const first = await postMaskit("gone", "whsec_gone-source-secret-00000001", "first", await makeJpeg(64, 64));
    await server.waitFor(1);
    await waitFor(async () => !(await getPool().query("SELECT enabled FROM destinations WHERE id = $1", [destination.id])).rows[0].enabled);
    const second = await postMaskit("gone", "whsec_gone-source-secret-00000001", "while paused", await makeJpeg(64, 65));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.receipts).toHaveLength(1);
    const { rows } = await getPool().query("SELECT paused_reason FROM destinations WHERE id = $1", [destination.id]);
    expect(rows[0].paused_reason).toMatch(/410/);
    const audit = await getPool().query("SELECT action FROM audit_events WHERE target_id = $1 ORDER BY at", [destination.id]);
    expect(audit.rows.map((row) => row.action)).toEqual(["destination.create", "destination.auto_pause"]);

    isGone = false;
    const resumed = await setDestinationEnabled({ destinationId: destination.id, isEnabled: true, actor: ACTOR });
    expect(resumed.resent).toBe(2);
    const receipts = await server.waitFor(3);
    expect(new Set(receipts.slice(1).map((receipt) => receipt.headers["webhook-id"]))).toEqual(new Set([first.id, second.id]));
    await forwardState(first.id, destination.id, "delivered");
    await forwardState(second.id, destination.id, "delivered");
  });

  it("does not follow a redirect", { timeout: 60_000 }, async () => {
    const elsewhere = await startDestinationServer();
    servers.push(elsewhere);
    await env.createMaskitSource("moved", ["whsec_moved-source-secret-0000001"]);
    const { server, destination } = await destinationFor("moved", () => ({ status: 302, headers: { location: elsewhere.url } }));
    const { id } = await postMaskit("moved", "whsec_moved-source-secret-0000001", "redirected", await makeJpeg(64, 64));
    await forwardState(id, destination.id, "failed");
    expect(server.receipts).toHaveLength(1);
    expect(elsewhere.receipts).toHaveLength(0);
    expect(await attemptsOf(id)).toMatchObject([{ outcome: "failed", http_status: 302, error: "redirect not followed" }]);
  });

  it("refuses link-local and metadata destinations when added, and again at send time", { timeout: 60_000 }, async () => {
    await env.createMaskitSource("meta", ["whsec_meta-source-secret-00000001"]);
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://[fe80::1]/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "ftp://example.com/",
    ]) {
      await expect(createDestination({ source: "meta", url, actor: ACTOR }), url).rejects.toThrow();
    }
    // A destination whose address became link-local after it was added (here: edited in the database).
    const { server, destination } = await destinationFor("meta");
    await getPool().query("UPDATE destinations SET url = 'http://169.254.169.254/latest/meta-data/' WHERE id = $1", [destination.id]);
    const { id } = await postMaskit("meta", "whsec_meta-source-secret-00000001", "metadata", await makeJpeg(64, 64));
    await forwardState(id, destination.id, "failed");
    expect(server.receipts).toHaveLength(0);
    expect((await attemptsOf(id))[0].error).toMatch(/link-local/);
  });
});

describe("forwarding in the operator API", () => {
  it("shows each destination's attempts in GET /api/deliveries/<id>, and an admin token replays with the same webhook-id", { timeout: 60_000 }, async () => {
    await env.createMaskitSource("api", ["whsec_api-source-secret-000000001"]);
    const { server, destination } = await destinationFor("api", (index) => (index === 0 ? { status: 500, body: "oops" } : { status: 200 }));
    const { id } = await postMaskit("api", "whsec_api-source-secret-000000001", "replay me", await makeJpeg(64, 64));
    await forwardState(id, destination.id, "delivered");
    const detail = await (await env.api(`/api/deliveries/${id}`)).json();
    expect(detail.forwarding).toMatchObject([
      {
        destination: { id: destination.id, name: "api receiver", url: server.url },
        state: "delivered",
        attempts: [
          { attempt: 1, outcome: "retrying", httpStatus: 500, responseExcerpt: "oops" },
          { attempt: 2, outcome: "delivered", httpStatus: 200, nextRetryAt: null },
        ],
      },
    ]);
    expect(JSON.stringify(detail)).not.toContain("whsec_");

    const viewer = (await createApiToken({ name: "viewer", role: "viewer" })).token;
    const replay = (token: string, body?: unknown) =>
      fetch(`${env.app.baseUrl}/api/deliveries/${id}/replay`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await replay(viewer)).status).toBe(403);
    expect((await replay(env.adminToken, { destinationId: "not-a-uuid" })).status).toBe(400);
    const answer = await replay(env.adminToken);
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ id, destinations: 1, queued: 1 });
    const receipts = await server.waitFor(3);
    expect(receipts[2].headers["webhook-id"]).toBe(id);
    await forwardState(id, destination.id, "delivered");
    const audit = await getPool().query("SELECT actor_name FROM audit_events WHERE action = 'delivery.replay' AND target_id = $1", [id]);
    expect(audit.rows).toEqual([{ actor_name: "test admin" }]);
  });

  it("filters the log by forwarding state, and replays a filtered view once its count is confirmed", { timeout: 60_000 }, async () => {
    await env.createMaskitSource("bulk", ["whsec_bulk-source-secret-00000001"]);
    let isDown = true;
    const { server, destination } = await destinationFor("bulk", () => (isDown ? { status: 404 } : { status: 200 }));
    const ids = [];
    for (const label of ["one", "two", "three"])
      ids.push((await postMaskit("bulk", "whsec_bulk-source-secret-00000001", label, await makeJpeg(64, 60 + ids.length))).id);
    for (const id of ids) await forwardState(id, destination.id, "failed");
    const failedView = await (await env.api("/api/deliveries?source=bulk&forwarding=failed")).json();
    expect(failedView.items.map((item: { id: string }) => item.id).sort()).toEqual([...ids].sort());
    expect((await (await env.api("/api/deliveries?source=bulk&forwarding=delivered")).json()).items).toEqual([]);

    const view = `${env.app.baseUrl}/api/deliveries/replay?source=bulk&forwarding=failed`;
    const call = (method: string, body?: unknown, token = env.adminToken) =>
      fetch(view, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect(await (await call("GET")).json()).toEqual({ count: 3 });
    const viewer = (await createApiToken({ name: "bulk viewer", role: "viewer" })).token;
    expect((await call("POST", { expectedCount: 3 }, viewer)).status).toBe(403);
    const stale = await call("POST", { expectedCount: 2 });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ count: 3 });
    expect(server.receipts).toHaveLength(3);

    isDown = false;
    const replayed = await call("POST", { expectedCount: 3 });
    expect(replayed.status).toBe(202);
    expect(await replayed.json()).toEqual({ deliveries: 3, queued: 3 });
    const receipts = await server.waitFor(6);
    expect(new Set(receipts.slice(3).map((receipt) => receipt.headers["webhook-id"]))).toEqual(new Set(ids));
    for (const id of ids) await forwardState(id, destination.id, "delivered");
    const audit = await getPool().query("SELECT detail FROM audit_events WHERE action = 'delivery.replay_filtered'");
    expect(audit.rows).toEqual([{ detail: { filters: { source: "bulk", forwarding: "failed" }, deliveries: 3, queued: 3 } }]);
  });
});

function expectStandardSignature(receipt: Receipt, secret: string) {
  // The spec's HMAC over the exact bytes sent (the library's own verify turns a binary body into text first).
  const id = String(receipt.headers["webhook-id"]);
  const timestamp = String(receipt.headers["webhook-timestamp"]);
  expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(receipt.body).digest();
  const given = Buffer.from(String(receipt.headers["webhook-signature"]).replace(/^v1,/, ""), "base64");
  expect(given.length === expected.length && timingSafeEqual(given, expected)).toBe(true);
}

function parseMultipart(receipt: Receipt): Promise<{ metadata: string; image: { filename: string; mimeType: string; data: Buffer } }> {
  return new Promise((resolve, reject) => {
    const parser = busboy({ headers: { "content-type": String(receipt.headers["content-type"]) }, defParamCharset: "utf8" });
    let metadata = "";
    let image: { filename: string; mimeType: string; data: Buffer } | null = null;
    parser.on("field", (name, value) => name === "metadata" && (metadata = value));
    parser.on("file", (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => name === "maskedImage" && (image = { filename: info.filename ?? "", mimeType: info.mimeType, data: Buffer.concat(chunks) }));
    });
    parser.on("close", () => (image ? resolve({ metadata, image }) : reject(new Error("no maskedImage part"))));
    parser.on("error", reject);
    parser.end(receipt.body);
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
