import { createHmac, randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool, getPrisma } from "@/lib/db.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { buildMultipart, maskitBody } from "./helpers/multipart.ts";
import { rawPost } from "./helpers/raw-http.ts";

// Issue 15 A1: every way a multipart body is refused part-way is answered 400, logged as a
// rejected delivery, leaves nothing in DATA_DIR/tmp, and releases the receiver's in-flight
// count, so that thumbnails (made only once the receiver is quiet) are still made afterwards.
// Each image is larger than the 1 MiB spool threshold, so its part is spooled to a file.

const SECRET = "whsec_multipart-refusals-secret-0123";
let env: TestEnvironment;
let bigImage: Buffer;

const sign = (body: Buffer) => createHmac("sha256", SECRET).update(body).digest("hex");
const image = (data: Buffer) => ({ name: "maskedImage", filename: "masked.jpg", contentType: "image/jpeg", data });
const metadata = (value: string) => ({ name: "metadata", value });

beforeAll(async () => {
  env = await startTestEnvironment({ BODY_TIMEOUT_SECONDS: "1" });
  await env.createMaskitSource("refusals", [SECRET]);
  // JPEG magic followed by incompressible bytes: 3 MiB, well past the spool's memory limit.
  bigImage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(3 * 1024 * 1024)]);
});

afterAll(async () => {
  await env?.close();
});

const shapes: Array<{ name: string; body: () => { body: Buffer; contentType: string }; reason: RegExp }> = [
  {
    name: "a duplicated metadata part before the image",
    body: () => buildMultipart([metadata("first"), metadata("second"), image(bigImage)]),
    reason: /more than one metadata part/,
  },
  {
    name: "a metadata part of 1 MiB before the image",
    body: () => buildMultipart([metadata("m".repeat(1024 * 1024 + 1)), image(bigImage)]),
    reason: /metadata is longer than/,
  },
  {
    name: "part headers larger than 16 KiB",
    body: () => {
      const { body, contentType, boundary } = maskitBody(bigImage, "headers");
      const padded = body.toString("latin1").replace(`--${boundary}\r\n`, `--${boundary}\r\nX-Padding: ${"p".repeat(20_000)}\r\n`);
      return { body: Buffer.from(padded, "latin1"), contentType };
    },
    reason: /Malformed part header/,
  },
  {
    name: "a second image part after the image",
    body: () => buildMultipart([metadata("two"), image(bigImage), image(bigImage)]),
    reason: /more than one maskedImage part/,
  },
  {
    name: "a body truncated in the middle of the image",
    body: () => {
      const whole = maskitBody(bigImage, "truncated");
      return { body: whole.body.subarray(0, Math.floor(whole.body.length * 0.6)), contentType: whole.contentType };
    },
    reason: /Unexpected end/,
  },
];

describe("multipart bodies refused part-way (maskit)", () => {
  for (const shape of shapes) {
    it(`answers 400, logs a rejected delivery and leaves no spool file for ${shape.name}`, async () => {
      const { body, contentType } = shape.body();
      const response = await fetch(`${env.app.baseUrl}/api/webhooks/refusals`, {
        method: "POST",
        body: new Uint8Array(body),
        headers: { "content-type": contentType, "x-signature": sign(body) },
        signal: AbortSignal.timeout(15_000), // before the fix these requests were never answered
      });
      expect(response.status).toBe(400);
      const answer = await response.json();
      expect(answer).toMatchObject({ id: expect.any(String), status: "rejected", error: expect.stringMatching(shape.reason) });

      const row = await getPrisma().delivery.findUniqueOrThrow({ where: { id: answer.id } });
      expect(row).toMatchObject({ status: "rejected", httpStatus: 400, reason: expect.stringMatching(shape.reason), bodySize: body.length });
      expect(await spoolFiles()).toEqual([]);
    });
  }

  it("cuts off a body that stops arriving (slowloris) after BODY_TIMEOUT_SECONDS, logging it and freeing its spool", async () => {
    const { body, contentType } = maskitBody(bigImage, "slowloris");
    const startedAt = new Date();
    let spooledWhileStalled: string[] = [];
    const answer = await rawPost({
      port: env.app.port,
      path: "/api/webhooks/refusals",
      headers: { "content-type": contentType, "content-length": String(body.length), "x-signature": sign(body) },
      body,
      pauseAfter: 2 * 1024 * 1024, // past the spool's memory limit: part of it is on disk
      duringPause: async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        spooledWhileStalled = await spoolFiles();
        await new Promise((resolve) => setTimeout(resolve, 2_700)); // the timeout is 1 s
      },
    });
    expect(spooledWhileStalled.length).toBeGreaterThan(0); // the stall did hold spool files
    expect(answer?.status ?? null).not.toBe(200);
    // The cut-off connection can close a moment before its refusal is written: wait for the row.
    const find = () =>
      getPrisma().delivery.findFirst({ where: { receivedAt: { gte: new Date(startedAt.getTime() - 1_000) }, reason: { contains: "no body bytes arrived" } } });
    let row = await find();
    for (let tries = 0; !row && tries < 50; tries++) row = await new Promise((resolve) => setTimeout(resolve, 100)).then(find);
    expect(row).toMatchObject({ status: "rejected", httpStatus: 408 });
    expect(await spoolFiles()).toEqual([]);
  });

  it("still makes thumbnails in the background after all those refusals", async () => {
    const delivery = maskitBody(await makeJpeg(640, 480, { seed: 9 }), "after-refusals");
    const response = await env.post("refusals", delivery.body, { "content-type": delivery.contentType, "x-signature": sign(delivery.body) });
    expect(response.status).toBe(200);
    const { id } = await response.json();
    // Thumbnails wait until no webhook request is in flight: a count left above zero by a
    // refused request would stop them for the life of the process. Nothing here asks for it.
    const deadline = Date.now() + 15_000;
    let thumbnails = 0;
    while (Date.now() < deadline && thumbnails === 0) {
      const { rows } = await getPool().query(
        `SELECT count(*)::int AS n FROM renditions r JOIN deliveries d ON d.image_id = r.image_id WHERE d.id = $1 AND r.kind = 'thumbnail'`,
        [id],
      );
      thumbnails = rows[0].n;
      if (thumbnails === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(thumbnails).toBe(1);
  });
});

async function spoolFiles(): Promise<string[]> {
  return readdir(path.join(env.dataDir, "tmp")).catch(() => []);
}
