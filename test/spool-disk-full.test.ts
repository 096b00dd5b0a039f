import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";

// Issue 15 A3, the spool's part: DATA_DIR/tmp on a 2 MiB tmpfs (a real full disk). A body
// that needs more spool than that is answered 503 with Retry-After, as for any storage outage,
// not 500 (nor 400), leaves no spool file and no row, and is stored once space returns.

const SECRET = "whsec_spool-disk-full-secret-0123";
let env: TestEnvironment;
let spoolDir: string;
let isMounted = false;

beforeAll(async () => {
  env = await startTestEnvironment();
  await env.createMaskitSource("spool-cam", [SECRET]);
  // After start: `npm start` empties DATA_DIR/tmp, which it cannot do to a mount point.
  spoolDir = path.join(env.dataDir, "tmp");
  await mkdir(spoolDir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", spoolDir]);
  isMounted = true;
});

afterAll(async () => {
  if (isMounted) execFileSync("umount", [spoolDir]);
  await env?.close();
});

describe("a full disk under the spool", () => {
  it("answers 503 with Retry-After, keeps nothing, and stores the delivery once space returns", async () => {
    const image = await makeJpeg(2500, 2500, { quality: 100, noise: 255 });
    expect(image.length).toBeGreaterThan(2.5 * 1024 * 1024); // more than the spool's disk holds
    const { body, contentType } = maskitBody(image, "spool-full");
    const post = () => env.post("spool-cam", body, { "content-type": contentType, "x-signature": createHmac("sha256", SECRET).update(body).digest("hex") });

    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await readdir(spoolDir)).toEqual([]);
    expect(await getPrisma().delivery.count({ where: { metadata: "spool-full" } })).toBe(0);

    execFileSync("umount", [spoolDir]);
    isMounted = false;
    const retried = await post(); // the sender's retry, once space is back
    expect(retried.status).toBe(200);
    expect(await getPrisma().delivery.count({ where: { metadata: "spool-full" } })).toBe(1);
  });
});
