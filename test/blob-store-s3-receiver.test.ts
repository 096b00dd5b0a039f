import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/lib/db.ts";
import { getBlobWriter } from "@/lib/storage/configured-store.ts";
import { storeAndRows } from "./helpers/blobs.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";
import { startS3Server, type S3TestServer } from "./helpers/s3-server.ts";

// BLOB_STORE=s3 under the real app, against a real S3-protocol server (s3rver) started here:
// images are stored once per SHA-256 as objects and served back byte-exact; with the object
// store down, deliveries are answered 503 with Retry-After and nothing is half-written; when
// it is back, deliveries succeed again by themselves.

const SECRET = "whsec_s3-store-test-secret-0123";
let s3: S3TestServer;
let env: TestEnvironment;
let photo: Buffer;

beforeAll(async () => {
  s3 = await startS3Server();
  env = await startTestEnvironment({ BLOB_STORE: "s3", ...s3.env });
  await env.createMaskitSource("s3-cam", [SECRET]);
  photo = await makeJpeg(640, 480, { seed: 11 });
});

afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(env?.app.output());
  await env?.close();
  await s3?.destroy();
});

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

function post(image: Buffer, metadata: string) {
  const { body, contentType } = maskitBody(image, metadata);
  return env.post("s3-cam", body, { "content-type": contentType, "x-signature": createHmac("sha256", SECRET).update(body).digest("hex") });
}

describe("s3 blob store", () => {
  it("records the bucket as the installation's store", async () => {
    expect((await getBlobWriter()).record).toEqual({ driver: "s3", identity: expect.stringContaining(s3.bucket) });
  });

  it("stores one object per image however many deliveries carry it, and serves it back byte-exact", async () => {
    const first = await post(photo, "first");
    const second = await post(photo, "again");
    expect([first.status, second.status]).toEqual([200, 200]);
    const { rows } = await getPool().query<{ image_id: string }>("SELECT DISTINCT image_id FROM deliveries WHERE metadata IN ('first', 'again')");
    expect(rows).toHaveLength(1);
    const served = await env.api(`/api/images/${rows[0].image_id}`);
    expect(Buffer.from(await served.arrayBuffer()).equals(photo)).toBe(true);
    const { stored } = await storeAndRows();
    expect(stored.filter((sha) => sha === sha256(photo))).toHaveLength(1);
  });

  it("answers 503 with Retry-After while the object store is down, and recovers by itself", async () => {
    await s3.stop();
    try {
      const image = Buffer.concat([photo, Buffer.from("\0during the outage")]);
      const refused = await post(image, "during the outage");
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBeTruthy();
      const { rows } = await getPool().query("SELECT 1 FROM images WHERE sha256 = $1", [sha256(image)]);
      expect(rows).toHaveLength(0);
    } finally {
      await s3.start();
    }
    const after = await post(Buffer.concat([photo, Buffer.from("\0after the outage")]), "after the outage");
    expect(after.status).toBe(200);
    // Every image row's bytes are in the bucket.
    const images = await getPool().query<{ sha256: string }>("SELECT sha256 FROM images");
    const { stored } = await storeAndRows();
    expect(stored).toEqual(expect.arrayContaining(images.rows.map((row) => row.sha256)));
  });
});
