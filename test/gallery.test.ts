import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/lib/db.ts";
import { maskitBody } from "@/lib/senders/multipart-body.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";

// GET /api/gallery: images of verified deliveries only, newest first, one tile per distinct
// image with the count of its matching deliveries, in keyset pages that neither skip nor
// repeat, filtered like the delivery log. Real signed posts for the small cases; hundreds of
// rows inserted in bulk SQL for paging, checked against the same answer computed another way.

const SECRET = "whsec_gallery-test-secret-0123456789";
const BULK_DELIVERIES = 600;
const BULK_IMAGES = 150;

interface Tile {
  image: { id: string; sha256: string; mimeType: string; width: number; height: number; byteSize: number };
  deliveryId: string;
  receivedAt: string;
  source: string;
  metadata: string | null;
  deliveryCount: number;
}

let env: TestEnvironment;
const ids: Record<string, string> = {};
let forgedSha256: string;
let bulkSourceId: string;

beforeAll(async () => {
  env = await startTestEnvironment();
  await env.createMaskitSource("cam-a", [SECRET]);
  await env.createMaskitSource("cam-b", [SECRET]);
  bulkSourceId = (await env.createMaskitSource("bulk", [SECRET])).id;
  const [front, side, forged] = await Promise.all([makeJpeg(64, 48, { seed: 1 }), makeJpeg(64, 48, { seed: 2 }), makeJpeg(64, 48, { seed: 3 })]);
  forgedSha256 = createHash("sha256").update(forged).digest("hex");
  const deliveries: Array<[name: string, slug: string, image: Buffer, metadata: string, secret: string]> = [
    ["front", "cam-a", front, "order-1001 front", SECRET],
    ["side", "cam-b", side, "order-2002 side", SECRET],
    ["forged", "cam-b", forged, "order-3003 forged", "whsec_not-the-secret-at-all-000"],
    ["frontAgain", "cam-a", front, "order-4004 front again", SECRET],
  ];
  for (const [name, slug, image, metadata, secret] of deliveries) {
    const { body, contentType } = maskitBody(image, metadata);
    const signature = createHmac("sha256", secret).update(body).digest("hex");
    ids[name] = (await (await env.post(slug, body, { "content-type": contentType, "x-signature": signature })).json()).id;
  }
  await env.post("cam-b", Buffer.from("not multipart"), { "content-type": "text/plain", "x-signature": "00" });
  await seedBulk();
}, 240_000);

afterAll(async () => {
  await env?.close();
});

describe("GET /api/gallery", () => {
  it("needs a session or an API token", async () => {
    expect((await fetch(`${env.app.baseUrl}/api/gallery`)).status).toBe(401);
    const forged = await fetch(`${env.app.baseUrl}/api/gallery`, { headers: { authorization: "Bearer whi_forged-token-0000000000000000000000000" } });
    expect(forged.status).toBe(401);
  });

  it("lists verified images only, newest first, a duplicate once with its count and newest delivery", async () => {
    const { items } = await page("source=cam-a");
    expect(items.map((tile) => [tile.deliveryId, tile.deliveryCount, tile.metadata])).toEqual([[ids.frontAgain, 2, "order-4004 front again"]]);
    const camB = await page("source=cam-b");
    expect(camB.items.map((tile) => tile.deliveryId)).toEqual([ids.side]);
    expect(camB.items[0]).toMatchObject({
      source: "cam-b",
      image: { mimeType: "image/jpeg", width: 64, height: 48, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(camB.items[0].image.byteSize).toBeGreaterThan(100);
  });

  it("never shows the image of a failed delivery, which is not even stored as an image", async () => {
    const all = await allTiles("");
    expect(all.map((tile) => tile.image.sha256)).not.toContain(forgedSha256);
    expect((await getPool().query("SELECT 1 FROM images WHERE sha256 = $1", [forgedSha256])).rowCount).toBe(0);
    // Even an image row linked to a failed delivery (no code path makes one) stays out.
    expect(all.map((tile) => tile.metadata)).not.toContain("bulk failed with an image");
    expect(all.map((tile) => tile.deliveryId)).toEqual(expect.arrayContaining([ids.frontAgain, ids.side]));
    expect(all.map((tile) => tile.deliveryId)).not.toContain(ids.forged);
  });

  it("pages through hundreds of tiles with the cursor, without gaps or repeats, in the right order with the right counts", async () => {
    const { rows: expected } = await getPool().query<{ image_id: string; delivery_id: string; count: number }>(
      `WITH m AS (SELECT di.image_id, d.id, d.received_at, di.position FROM deliveries d JOIN delivery_images di ON di.delivery_id = d.id
                   WHERE d.status = 'verified' AND d.source_id = $1),
            newest AS (SELECT DISTINCT ON (image_id) image_id, id, received_at, position FROM m ORDER BY image_id, received_at DESC, id DESC, position)
       SELECT n.image_id, n.id AS delivery_id, (SELECT count(DISTINCT m.id)::int FROM m WHERE m.image_id = n.image_id) AS count
         FROM newest n ORDER BY n.received_at DESC, n.id DESC, n.position`,
      [bulkSourceId],
    );
    expect(expected.length).toBe(BULK_IMAGES);
    const pages: Tile[][] = [];
    let cursor: string | null = null;
    do {
      const result: { items: Tile[]; nextCursor: string | null } = await page(`source=bulk&limit=37${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(result.items);
      cursor = result.nextCursor;
    } while (cursor);
    expect(pages.slice(0, -1).every((items) => items.length === 37)).toBe(true);
    const tiles = pages.flat();
    expect(tiles.map((tile) => [tile.image.id, tile.deliveryId, tile.deliveryCount])).toEqual(
      expected.map((row) => [row.image_id, row.delivery_id, row.count]),
    );
    expect(new Set(tiles.map((tile) => tile.image.id)).size).toBe(tiles.length);
    expect(tiles.some((tile) => tile.deliveryCount >= 4)).toBe(true);
    const times = tiles.map((tile) => tile.receivedAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("filters by metadata text, any case, and collapses within the filter", async () => {
    const front = await page("q=ORDER-1001");
    expect(front.items.map((tile) => [tile.deliveryId, tile.deliveryCount])).toEqual([[ids.front, 1]]);
    expect((await page("q=order-")).items.map((tile) => tile.deliveryId)).toEqual([ids.frontAgain, ids.side]);
    expect((await page("q=forged")).items).toEqual([]);
    // LIKE's wildcards are searched for, not obeyed.
    expect((await page("q=order_1001")).items).toEqual([]);
    expect((await page("q=%25")).items).toEqual([]);
    // A delivery id, any case, finds that delivery's tile (the log's search: an id by equality).
    expect((await page(`q=${ids.side.toUpperCase()}`)).items.map((tile) => tile.deliveryId)).toEqual([ids.side]);
  });

  it("filters by source and by UTC days, both ends included", async () => {
    // The bulk rows run from 2025-02-01 23:56 UTC to a minute past midnight.
    expect((await allTiles("source=bulk&from=2025-02-01&to=2025-02-02")).length).toBe((await allTiles("source=bulk")).length);
    const firstDay = await allTiles("source=bulk&to=2025-02-01");
    const nextDay = await allTiles("source=bulk&from=2025-02-02&to=2025-02-02");
    expect(firstDay.length).toBeGreaterThan(nextDay.length);
    expect(nextDay.length).toBeGreaterThan(10);
    expect(firstDay.every((tile) => tile.receivedAt < "2025-02-02")).toBe(true);
    expect(nextDay.every((tile) => tile.receivedAt >= "2025-02-02" && tile.receivedAt < "2025-02-03")).toBe(true);
    expect((await page("from=2025-02-03&to=2025-02-28")).items).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await page(`from=${today}`)).items.map((tile) => tile.deliveryId)).toEqual([ids.frontAgain, ids.side]);
    expect((await page("source=nobody")).items).toEqual([]);
    // Empty parameters, as a GET form sends them, mean "any"; status is not a gallery filter.
    expect((await page("source=&q=&from=&to=&status=failed")).items.length).toBeGreaterThan(2);
  });

  it("answers the tiles a live delivery puts on top, under the same filters", async () => {
    expect((await page(`delivery=${ids.frontAgain}`)).items.map((tile) => [tile.deliveryId, tile.deliveryCount])).toEqual([[ids.frontAgain, 2]]);
    // An older delivery of an image shown at a newer one adds nothing.
    expect((await page(`delivery=${ids.front}`)).items).toEqual([]);
    expect((await page(`delivery=${ids.front}&q=order-1001`)).items.map((tile) => tile.deliveryId)).toEqual([ids.front]);
    expect((await page(`delivery=${ids.side}&source=cam-a`)).items).toEqual([]);
    expect((await page(`delivery=${ids.forged}`)).items).toEqual([]);
  });

  it("answers 400 for filters it cannot use", async () => {
    for (const query of [
      "from=yesterday",
      "to=2025-13-01",
      "from=2025-03-02&to=2025-03-01",
      "limit=0",
      "limit=201",
      "cursor=bm90LWEtY3Vyc29y",
      "delivery=42",
    ]) {
      const response = await env.api(`/api/gallery?${query}`);
      expect(response.status, query).toBe(400);
      expect((await response.json()).error, query).toMatch(/.+/);
    }
  });
});

async function page(query: string): Promise<{ items: Tile[]; nextCursor: string | null }> {
  const response = await env.api(`/api/gallery?${query}`);
  expect(response.status, query).toBe(200);
  return response.json();
}

async function allTiles(query: string): Promise<Tile[]> {
  const tiles: Tile[] = [];
  let cursor: string | null = null;
  do {
    const result: { items: Tile[]; nextCursor: string | null } = await page(`${query}&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    tiles.push(...result.items);
    cursor = result.nextCursor;
  } while (cursor);
  return tiles;
}

/**
 * BULK_DELIVERIES verified deliveries around midnight of 2025-02-01 UTC (two per second, so that ties on received_at
 * are ordered by id) carrying BULK_IMAGES images, each several times; some carry two or three
 * (one of them twice, at two positions); every ninth is failed with no image, as the receiver
 * stores it; and one failed delivery linked to an image of its own, which must stay out.
 */
async function seedBulk(): Promise<void> {
  const pool = getPool();
  const imageId = (expression: string) => `md5('bulk-image-' || (${expression}))::uuid`;
  await pool.query(
    `INSERT INTO blobs (id, sha256, byte_size) SELECT md5('bulk-blob-' || i)::uuid, encode(sha256(('bulk-image-' || i)::bytea), 'hex'), 1000 FROM generate_series(0, $1) AS i`,
    [BULK_IMAGES],
  );
  await pool.query(
    `INSERT INTO images (id, sha256, mime_type, width, height, byte_size, blob_id)
     SELECT ${imageId("i")}, encode(sha256(('bulk-image-' || i)::bytea), 'hex'), 'image/jpeg', 64, 48, 1000, md5('bulk-blob-' || i)::uuid FROM generate_series(0, $1) AS i`,
    [BULK_IMAGES],
  );
  await pool.query(
    `INSERT INTO deliveries (id, source_id, received_at, status, http_status, metadata, headers, image_id)
     SELECT md5('bulk-delivery-' || g)::uuid, $1, timestamptz '2025-02-01 23:56:00Z' + make_interval(secs => g / 2),
            CASE WHEN g % 9 = 0 THEN 'failed' ELSE 'verified' END::"DeliveryStatus", CASE WHEN g % 9 = 0 THEN 401 ELSE 200 END,
            'bulk row ' || g, '{}', CASE WHEN g % 9 <> 0 THEN ${imageId("1 + (g * 7) % $3")} END
       FROM generate_series(1, $2) AS g`,
    [bulkSourceId, BULK_DELIVERIES, BULK_IMAGES],
  );
  await pool.query(
    `INSERT INTO delivery_images (delivery_id, position, image_id, origin)
     SELECT id, 0, image_id, 'maskedImage' FROM deliveries WHERE source_id = $1 AND image_id IS NOT NULL
     UNION ALL SELECT md5('bulk-delivery-' || g)::uuid, 1, ${imageId("1 + (g * 13) % $2")}, 'output.items[1].image' FROM generate_series(1, $3) AS g WHERE g % 10 = 1
     UNION ALL SELECT md5('bulk-delivery-' || g)::uuid, 2, ${imageId("1 + (g * 7) % $2")}, 'output.items[2].image' FROM generate_series(1, $3) AS g WHERE g % 50 = 1`,
    [bulkSourceId, BULK_IMAGES, BULK_DELIVERIES],
  );
  await pool.query(
    `INSERT INTO deliveries (id, source_id, received_at, status, http_status, metadata, headers, image_id)
     VALUES (gen_random_uuid(), $1, timestamptz '2025-02-02 00:00:30Z', 'failed', 401, 'bulk failed with an image', '{}', ${imageId("0")})`,
    [bulkSourceId],
  );
  await pool.query(
    `INSERT INTO delivery_images (delivery_id, position, image_id, origin) SELECT id, 0, image_id, 'maskedImage' FROM deliveries WHERE metadata = 'bulk failed with an image'`,
  );
}
