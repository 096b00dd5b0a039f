import { createHash, createHmac, randomUUID } from "node:crypto";
import { readdir, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/lib/db.ts";
import { checkBlobs } from "@/lib/storage/check-blobs.ts";
import { getBlobWriter, getStorage } from "@/lib/storage/configured-store.ts";
import { sweepOrphans } from "@/lib/storage/sweep-orphans.ts";
import { putBlob, storeAndRows } from "./helpers/blobs.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";

// The filesystem blob store under the real app: an image posted is stored once as a file named
// by its SHA-256 under BLOB_DIR, served back byte-exact, in ranges, under the sender's name; a
// tampered file is refused rather than served; the sweep removes bytes that no row names; and
// `blobs check` reports what is missing, corrupt and orphaned.

const SECRET = "whsec_blob-store-test-secret-0123";
let env: TestEnvironment;
let photo: Buffer;

beforeAll(async () => {
  env = await startTestEnvironment();
  await env.createMaskitSource("store-cam", [SECRET]);
  photo = await makeJpeg(800, 600, { seed: 7 });
});

afterAll(async () => {
  await env?.close();
});

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const blobFile = (sha: string) => path.join(env.dataDir, "blobs", sha.slice(0, 2), sha.slice(2, 4), sha);

async function deliver(image: Buffer, metadata: string, fileName = "frame.jpg") {
  const { body, contentType } = maskitBody(image, metadata, { filename: fileName });
  const response = await env.post("store-cam", body, { "content-type": contentType, "x-signature": createHmac("sha256", SECRET).update(body).digest("hex") });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

async function imageIdOf(deliveryId: string): Promise<string> {
  const { rows } = await getPool().query<{ image_id: string }>("SELECT image_id FROM deliveries WHERE id = $1", [deliveryId]);
  return rows[0].image_id;
}

describe("filesystem blob store", () => {
  it("records the store the installation was started with", async () => {
    const { record } = await getBlobWriter();
    expect(record).toEqual({ driver: "filesystem", identity: expect.stringMatching(/^filesystem:[0-9a-f-]{36}$/) });
  });

  it("stores an image once as a file named by its SHA-256, however many deliveries carry it, and serves it back byte-exact", async () => {
    const first = await deliver(photo, "first");
    const second = await deliver(photo, "second, same image");
    const imageId = await imageIdOf(first);
    expect(await imageIdOf(second)).toBe(imageId);
    const files = await readdir(path.dirname(blobFile(sha256(photo))));
    expect(files.filter((name) => name === sha256(photo))).toHaveLength(1);
    expect(files.filter((name) => name.startsWith(".tmp-"))).toEqual([]);

    const served = await env.api(`/api/images/${imageId}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await served.arrayBuffer()).equals(photo)).toBe(true);
    expect(await storeAndRows()).toMatchObject({ stored: expect.arrayContaining([sha256(photo)]) });
  });

  it("answers Range requests with 206 and the bytes asked for, and 416 past the end", async () => {
    const imageId = await imageIdOf(await deliver(photo, "ranges"));
    const ranged = (range: string) => fetch(`${env.app.baseUrl}/api/images/${imageId}`, { headers: { authorization: `Bearer ${env.adminToken}`, range } });
    const head = await ranged("bytes=0-9");
    expect(head.status).toBe(206);
    expect(head.headers.get("content-range")).toBe(`bytes 0-9/${photo.length}`);
    expect(Buffer.from(await head.arrayBuffer()).equals(photo.subarray(0, 10))).toBe(true);
    const tail = await ranged("bytes=-100");
    expect(Buffer.from(await tail.arrayBuffer()).equals(photo.subarray(photo.length - 100))).toBe(true);
    const past = await ranged(`bytes=${photo.length}-`);
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${photo.length}`);
  });

  it("names a download as the sender did, made safe for the header", async () => {
    const image = Buffer.concat([photo, Buffer.from("\0named")]);
    const imageId = await imageIdOf(await deliver(image, "named", "sunset;1 (copy).jpg"));
    const download = await env.api(`/api/images/${imageId}?download=1`);
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="sunset_1 (copy).jpg"; filename*=UTF-8''sunset%3B1%20%28copy%29.jpg`);
  });

  it("refuses to serve bytes that no longer match their SHA-256, and blobs check lists them", async () => {
    const image = Buffer.concat([photo, Buffer.from("\0tampered")]);
    const imageId = await imageIdOf(await deliver(image, "to be tampered with"));
    await writeFile(blobFile(sha256(image)), Buffer.concat([image.subarray(0, 100), Buffer.from("X"), image.subarray(101)]));
    const served = await env.api(`/api/images/${imageId}`);
    expect(served.status).toBe(500);
    expect(await served.json()).toEqual({ error: expect.stringMatching(/corrupt/) });
    const { store } = await getBlobWriter();
    const report = await checkBlobs(getPool(), store);
    expect(report.corrupt).toEqual([sha256(image)]);
    expect(report.missing).toEqual([]);
  });

  it("sweeps bytes that no row names once they are old enough, and leaves young ones and named ones", async () => {
    const orphan = await putBlob(Buffer.from(`left by a crash ${randomUUID()}`));
    const young = await putBlob(Buffer.from(`a transaction still under way ${randomUUID()}`));
    const hourAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(blobFile(orphan), hourAgo, hourAgo);
    const result = await sweepOrphans(await getStorage());
    expect(result).toMatchObject({ status: "done", blobs: 1 });
    const { store } = await getBlobWriter();
    expect(await store.stat(orphan)).toBeNull();
    expect(await store.stat(young)).not.toBeNull();
    expect(await store.stat(sha256(photo))).not.toBeNull();
    await store.delete(young);
  });
});
