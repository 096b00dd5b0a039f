import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool, getPrisma } from "@/lib/db.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg, makePng } from "./helpers/images.ts";
import { buildMultipart, maskitBody } from "./helpers/multipart.ts";
import { rawPost } from "./helpers/raw-http.ts";

// The MaskIt receiver over real HTTP, against the built app and a real PostgreSQL: every row
// of the contract's Responses table, with bodies built byte by byte.

const SECRET = "whsec_receiver-test-secret-0123456789";
const ROTATED_SECRET = "whsec_the-next-secret-9876543210abcdef";
let env: TestEnvironment;
let photo: Buffer;

const sign = (body: Buffer, secret = SECRET) => createHmac("sha256", secret).update(body).digest("hex");
const headersFor = (delivery: { body: Buffer; contentType: string }, signature: string | null = sign(delivery.body)) => ({
  "content-type": delivery.contentType,
  ...(signature === null ? {} : { "x-signature": signature }),
});

async function deliveryRow(id: string) {
  return getPrisma().delivery.findUniqueOrThrow({ where: { id }, include: { image: true, quarantine: { include: { blob: true } } } });
}

beforeAll(async () => {
  env = await startTestEnvironment();
  await env.createMaskitSource("camera-1", [SECRET, ROTATED_SECRET]);
  await env.createMaskitSource("camera-off", [SECRET]);
  await getPrisma().source.update({ where: { slug: "camera-off" }, data: { enabled: false } });
  photo = await makeJpeg(1920, 1080);
});

afterAll(async () => {
  await env?.close();
});

describe("POST /api/webhooks/<slug> (maskit)", () => {
  it("verifies, commits and answers 200 with the delivery id", async () => {
    const delivery = maskitBody(photo, "batch-42/frame-7");
    const response = await env.post("camera-1", delivery.body, headersFor(delivery));
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer).toEqual({ id: expect.any(String), status: "verified" });

    const row = await deliveryRow(answer.id);
    expect(row).toMatchObject({ status: "verified", metadata: "batch-42/frame-7", matchedCredential: expect.stringContaining("secret 1") });
    expect(row.image).toMatchObject({ mimeType: "image/jpeg", width: 1920, height: 1080, byteSize: photo.length });
    const stored = await env.api(`/api/images/${row.image!.id}`);
    expect(Buffer.from(await stored.arrayBuffer()).equals(photo)).toBe(true);
  });

  it("answers a byte-identical retry with the first id and stores nothing new", async () => {
    const delivery = maskitBody(photo, "retry-me");
    const first = await (await env.post("camera-1", delivery.body, headersFor(delivery))).json();
    const before = await getPrisma().delivery.count();
    const retry = await env.post("camera-1", delivery.body, headersFor(delivery));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ id: first.id, status: "verified" });
    expect(await getPrisma().delivery.count()).toBe(before);
  });

  it("stores an image once however many deliveries carry it", async () => {
    const image = await makeJpeg(640, 480, { seed: 5 });
    const ids = [];
    for (const metadata of ["copy-a", "copy-b"]) {
      const delivery = maskitBody(image, metadata);
      ids.push((await (await env.post("camera-1", delivery.body, headersFor(delivery))).json()).id);
    }
    const [a, b] = await Promise.all(ids.map(deliveryRow));
    expect(a.imageId).toBe(b.imageId);
    const { rows } = await getPool().query("SELECT count(*)::int AS n FROM images WHERE sha256 = $1", [a.image!.sha256]);
    expect(rows[0].n).toBe(1);
  });

  it("accepts uppercase hex", async () => {
    const delivery = maskitBody(photo, "upper");
    expect((await env.post("camera-1", delivery.body, headersFor(delivery, sign(delivery.body).toUpperCase()))).status).toBe(200);
  });

  it("accepts the second active secret and records which one matched", async () => {
    const delivery = maskitBody(photo, "rotated");
    const response = await env.post("camera-1", delivery.body, headersFor(delivery, sign(delivery.body, ROTATED_SECRET)));
    expect(response.status).toBe(200);
    expect((await deliveryRow((await response.json()).id)).matchedCredential).toContain("secret 2");
  });

  it("accepts empty and non-ASCII metadata as sent", async () => {
    for (const metadata of ["", "línea 1 — 日本語 🚀\nzweite Zeile"]) {
      const delivery = maskitBody(photo, metadata);
      const response = await env.post("camera-1", delivery.body, headersFor(delivery));
      expect(response.status).toBe(200);
      expect((await deliveryRow((await response.json()).id)).metadata).toBe(metadata);
    }
  });

  it("accepts the field name in any case, as the flattened docs spell it", async () => {
    const delivery = maskitBody(await makePng(), "lower-case field", { field: "maskedimage", filename: "m.png", contentType: "image/png" });
    const response = await env.post("camera-1", delivery.body, headersFor(delivery));
    expect(response.status).toBe(200);
    expect((await deliveryRow((await response.json()).id)).image?.mimeType).toBe("image/png");
  });

  it("keeps a path-like filename as text only", async () => {
    const delivery = maskitBody(photo, "traversal", { filename: "../../x.jpg" });
    const response = await env.post("camera-1", delivery.body, headersFor(delivery));
    expect(response.status).toBe(200);
    expect((await deliveryRow((await response.json()).id)).fileName).not.toContain("/");
    for (const place of [env.dataDir, path.dirname(env.dataDir), process.cwd()]) expect(existsSync(path.join(place, "x.jpg"))).toBe(false);
  });

  it("types an image by its bytes: a JPEG labelled PNG is stored as a JPEG", async () => {
    const delivery = maskitBody(photo, "mislabelled", { filename: "m.png", contentType: "image/png" });
    const response = await env.post("camera-1", delivery.body, headersFor(delivery));
    expect(response.status).toBe(200);
    expect((await deliveryRow((await response.json()).id)).image?.mimeType).toBe("image/jpeg");
  });

  it("accepts a 30 MB image", { timeout: 120_000 }, async () => {
    const big = await makeJpeg(5600, 4200, { quality: 100, noise: 255, seed: 9 });
    expect(big.length).toBeGreaterThan(30_000_000);
    const delivery = maskitBody(big, "thirty megabytes");
    const response = await env.post("camera-1", delivery.body, headersFor(delivery));
    expect(response.status).toBe(200);
    const row = await deliveryRow((await response.json()).id);
    expect(row.image?.byteSize).toBe(big.length);
    const stored = Buffer.from(await (await env.api(`/api/images/${row.image!.id}`)).arrayBuffer());
    expect(stored.equals(big)).toBe(true);
  });

  it("answers 401 when X-Signature is missing, and quarantines the body", async () => {
    const delivery = maskitBody(photo, "unsigned");
    const response = await env.post("camera-1", delivery.body, headersFor(delivery, null));
    expect(response.status).toBe(401);
    const answer = await response.json();
    expect(answer.error).toMatch(/missing/i);
    const row = await deliveryRow(answer.id);
    expect(row).toMatchObject({ status: "failed", imageId: null, bodySize: delivery.body.length });
    expect(Number(row.quarantine?.blob.byteSize)).toBe(delivery.body.length);
  });

  it("answers 401 for a wrong secret and keeps the image out of the gallery", async () => {
    const delivery = maskitBody(await makeJpeg(320, 240, { seed: 77 }), "wrong secret");
    const response = await env.post("camera-1", delivery.body, headersFor(delivery, sign(delivery.body, "whsec_not-the-right-one-at-all")));
    expect(response.status).toBe(401);
    const row = await deliveryRow((await response.json()).id);
    expect(row).toMatchObject({ status: "failed", imageId: null, reason: expect.stringContaining("matches none") });
    const gallery = await (await env.api("/api/deliveries?status=verified&limit=200")).json();
    expect(gallery.items.map((item: { id: string }) => item.id)).not.toContain(row.id);
  });

  it("names a revoked or expired secret that the sender still signs with in the log, never in the answer", async () => {
    const source = await env.createMaskitSource("camera-rotated", ["whsec_old-secret-that-was-revoked-01", "whsec_old-secret-that-has-expired-02", SECRET]);
    const [revoked, expired] = await getPrisma().credential.findMany({ where: { sourceId: source.id }, orderBy: { label: "asc" } });
    await getPrisma().credential.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    await getPrisma().credential.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    for (const [secret, credential, word] of [
      ["whsec_old-secret-that-was-revoked-01", revoked, "revoked"],
      ["whsec_old-secret-that-has-expired-02", expired, "expired"],
    ] as const) {
      const delivery = maskitBody(photo, `signed with the ${word} one`);
      const response = await env.post("camera-rotated", delivery.body, headersFor(delivery, sign(delivery.body, secret)));
      expect(response.status).toBe(401);
      const answer = await response.text();
      // The unauthenticated sender learns only that the signature did not match.
      expect(JSON.parse(answer).error).toBe("the signature does not match");
      for (const secretFact of [credential.label, credential.fingerprint, credential.fingerprint.slice(0, 12), word, "active secret"])
        expect(answer).not.toContain(secretFact);
      const row = await deliveryRow(JSON.parse(answer).id);
      expect(row.reason).toContain(`"${credential.label}" (${credential.fingerprint}), ${word}`);
    }
  });

  it("answers 401 when one byte changed after signing", async () => {
    const delivery = maskitBody(photo, "tampered");
    const signature = sign(delivery.body);
    const tampered = Buffer.from(delivery.body);
    tampered[tampered.length - 200] ^= 0x01;
    expect((await env.post("camera-1", tampered, headersFor({ ...delivery, body: tampered }, signature))).status).toBe(401);
  });

  it("answers 404 for an unknown or disabled source", async () => {
    const delivery = maskitBody(photo);
    expect((await env.post("no-such-source", delivery.body, headersFor(delivery))).status).toBe(404);
    expect((await env.post("camera-off", delivery.body, headersFor(delivery))).status).toBe(404);
  });

  it("answers 415 for a Content-Type that is not multipart", async () => {
    const response = await env.post("camera-1", Buffer.from("{}"), { "content-type": "application/json", "x-signature": sign(Buffer.from("{}")) });
    expect(response.status).toBe(415);
    expect((await deliveryRow((await response.json()).id)).status).toBe("rejected");
  });

  it("answers 415 for a text file labelled JPEG", async () => {
    const delivery = maskitBody(Buffer.from("just some text, not an image\n"), "text", { filename: "x.jpg" });
    const response = await env.post("camera-1", delivery.body, headersFor(delivery));
    expect(response.status).toBe(415);
    expect((await deliveryRow((await response.json()).id)).imageId).toBeNull();
  });

  it("answers 400 when the maskedImage part is missing", async () => {
    const delivery = buildMultipart([{ name: "metadata", value: "no image" }]);
    expect((await env.post("camera-1", delivery.body, headersFor(delivery))).status).toBe(400);
  });

  it("answers 400 for a truncated body and stores no delivery as verified", async () => {
    const delivery = maskitBody(await makeJpeg(800, 600, { seed: 3 }), "truncated");
    const truncated = delivery.body.subarray(0, Math.floor(delivery.body.length / 2));
    const response = await env.post("camera-1", truncated, headersFor({ ...delivery, body: truncated }, sign(truncated)));
    expect(response.status).toBe(400);
    const row = await deliveryRow((await response.json()).id);
    expect(row).toMatchObject({ status: "rejected", imageId: null });
    expect(await getPrisma().delivery.count({ where: { metadata: "truncated", status: "verified" } })).toBe(0);
  });

  it("stores nothing when the sender disconnects mid-body", async () => {
    const delivery = maskitBody(await makeJpeg(800, 600, { seed: 4 }), "cut off");
    const before = await getPrisma().image.count();
    await rawPost({
      port: env.app.port,
      path: "/api/webhooks/camera-1",
      headers: { ...headersFor(delivery), "content-length": String(delivery.body.length) },
      body: delivery.body.subarray(0, 10_000),
      hangUpAfterBody: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await getPrisma().image.count()).toBe(before);
    expect(await getPrisma().delivery.count({ where: { metadata: "cut off", status: "verified" } })).toBe(0);
  });

  it("answers 413 from Content-Length without reading a 70 MB body", async () => {
    const declared = 70 * 1024 * 1024;
    const response = await rawPost({
      port: env.app.port,
      path: "/api/webhooks/camera-1",
      headers: { "content-type": "multipart/form-data; boundary=x", "x-signature": "00", "content-length": String(declared) },
      body: Buffer.alloc(declared),
    });
    expect(response?.status).toBe(413);
    expect(response!.bytesSentBeforeResponse).toBeLessThan(declared / 2);
  });

  it("answers 413 when a chunked body passes the limit, and stops reading", async () => {
    // A stream body has no Content-Length: fetch sends it chunked, so only counting can stop it.
    const piece = new Uint8Array(1024 * 1024).fill(7);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 200) return controller.close();
        sent++;
        controller.enqueue(piece);
      },
    });
    const response = await fetch(`${env.app.baseUrl}/api/webhooks/camera-1`, {
      method: "POST",
      body,
      headers: { "content-type": "multipart/form-data; boundary=x", "x-signature": "00" },
      duplex: "half",
    } as RequestInit).catch((error: unknown) => error);
    // The server may close the connection right after answering; fetch then reports a reset.
    if (response instanceof Response) expect(response.status).toBe(413);
    const rows = await getPrisma().delivery.findMany({ where: { httpStatus: 413 }, select: { reason: true } });
    expect(rows.some((row) => row.reason?.includes("larger than the limit"))).toBe(true);
    // The limit is 64 MiB: the server stops reading there and closes, well before 200 MiB.
    expect(sent).toBeLessThan(150);
  });
});
