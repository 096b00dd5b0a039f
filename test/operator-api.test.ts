import { createHmac } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/api-tokens.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";

// The operator read API: tokens required, filters and keyset pages, images and thumbnails.

const SECRET = "whsec_operator-api-secret-0123456789";
let env: TestEnvironment;
let viewerToken: string;
let imageId: string;
const deliveryIds: string[] = [];

const get = (pathname: string, token: string | null = viewerToken, headers: Record<string, string> = {}) =>
  fetch(`${env.app.baseUrl}${pathname}`, { headers: token ? { authorization: `Bearer ${token}`, ...headers } : headers });

beforeAll(async () => {
  env = await startTestEnvironment();
  await env.createMaskitSource("cam-a", [SECRET]);
  await env.createMaskitSource("cam-b", [SECRET]);
  viewerToken = (await createApiToken({ name: "viewer", role: "viewer" })).token;
  const photo = await makeJpeg(1920, 1080);
  for (const [slug, metadata, secret] of [
    ["cam-a", "order-1001 front", SECRET],
    ["cam-a", "order-1002 back", SECRET],
    ["cam-b", "order-2001 side", SECRET],
    ["cam-b", "forged", "whsec_not-the-secret-at-all-000"],
  ]) {
    const delivery = maskitBody(photo, metadata);
    const signature = createHmac("sha256", secret).update(delivery.body).digest("hex");
    const answer = await (await env.post(slug, delivery.body, { "content-type": delivery.contentType, "x-signature": signature })).json();
    deliveryIds.push(answer.id);
  }
  imageId = (await (await get(`/api/deliveries/${deliveryIds[0]}`)).json()).image.id;
});

afterAll(async () => {
  await env?.close();
});

describe("operator API", () => {
  it("refuses every read without a token, or with an unknown one", async () => {
    for (const pathname of ["/api/deliveries", `/api/deliveries/${deliveryIds[0]}`, `/api/images/${imageId}`, `/api/images/${imageId}/thumbnail`]) {
      expect((await get(pathname, null)).status, pathname).toBe(401);
      expect((await get(pathname, "whi_not-a-real-token")).status, pathname).toBe(401);
    }
  });

  it("lists deliveries newest first with the contract's fields", async () => {
    const { items, nextCursor } = await (await get("/api/deliveries")).json();
    expect(items.map((item: { id: string }) => item.id)).toEqual([...deliveryIds].reverse());
    expect(nextCursor).toBeNull();
    expect(items[1]).toMatchObject({
      id: deliveryIds[2],
      source: "cam-b",
      status: "verified",
      reason: null,
      metadata: "order-2001 side",
      receivedAt: expect.any(String),
      image: { id: imageId, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), mimeType: "image/jpeg", width: 1920, height: 1080, byteSize: expect.any(Number) },
    });
    expect(items[0]).toMatchObject({ status: "failed", reason: expect.any(String), image: null });
  });

  it("filters by source, status and metadata text", async () => {
    const ids = async (query: string) => (await (await get(`/api/deliveries?${query}`)).json()).items.map((item: { id: string }) => item.id);
    expect(await ids("source=cam-a")).toEqual([deliveryIds[1], deliveryIds[0]]);
    expect(await ids("status=failed")).toEqual([deliveryIds[3]]);
    expect(await ids("q=ORDER-200")).toEqual([deliveryIds[2]]);
    expect(await ids("source=cam-b&status=verified")).toEqual([deliveryIds[2]]);
  });

  it("pages with a keyset cursor until the end", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await (
        await get(`/api/deliveries?limit=1${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...deliveryIds].reverse());
  });

  it("answers 400 for bad query parameters", async () => {
    expect((await get("/api/deliveries?limit=0")).status).toBe(400);
    expect((await get("/api/deliveries?status=lost")).status).toBe(400);
    expect((await get("/api/deliveries?cursor=garbage")).status).toBe(400);
  });

  it("shows one delivery, and 404 for an unknown id", async () => {
    const detail = await (await get(`/api/deliveries/${deliveryIds[3]}`)).json();
    expect(detail).toMatchObject({ id: deliveryIds[3], status: "failed", quarantinedBodyBytes: expect.any(Number), headers: expect.any(Object) });
    expect((await get("/api/deliveries/00000000-0000-0000-0000-000000000000")).status).toBe(404);
    expect((await get("/api/deliveries/not-a-uuid")).status).toBe(404);
  });

  it("serves the original image with its type, ETag and long-lived caching", async () => {
    const response = await get(`/api/images/${imageId}`);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    expect(response.headers.get("cache-control")).toContain("max-age=31536000");
    const etag = response.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect((await get(`/api/images/${imageId}`, viewerToken, { "if-none-match": etag })).status).toBe(304);
  });

  it("serves a thumbnail of at most 20 KB for a 1920x1080 JPEG", async () => {
    const response = await get(`/api/images/${imageId}/thumbnail`);
    expect(response.status).toBe(200);
    const thumbnail = Buffer.from(await response.arrayBuffer());
    expect(thumbnail.length).toBeLessThanOrEqual(20 * 1024);
    const { width, height, format } = await sharp(thumbnail).metadata();
    expect({ width, height, format }).toEqual({ width: 320, height: 180, format: "webp" });
  });
});
