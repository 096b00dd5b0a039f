import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/lib/db.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";

// A full disk under the filesystem blob store, for real: BLOB_DIR on a 16 MiB tmpfs that the
// test fills. A signed delivery is then answered 503 with Retry-After, nothing of it is stored
// (no row, no temporary file), and once space returns the same delivery is stored by itself.

const SECRET = "whsec_disk-full-test-secret-0123";
let env: TestEnvironment;
let blobDir: string;
let photo: Buffer;

beforeAll(async () => {
  blobDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-full-disk-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", blobDir]);
  env = await startTestEnvironment({ BLOB_DIR: blobDir });
  await env.createMaskitSource("full-cam", [SECRET]);
  photo = await makeJpeg(640, 480, { seed: 5 });
});

afterAll(async () => {
  await env?.close();
  execFileSync("umount", [blobDir]);
  await rm(blobDir, { recursive: true, force: true });
});

function post(image: Buffer, metadata: string) {
  const { body, contentType } = maskitBody(image, metadata);
  return env.post("full-cam", body, { "content-type": contentType, "x-signature": createHmac("sha256", SECRET).update(body).digest("hex") });
}

async function temporaryFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) if (entry.name.startsWith(".tmp-")) found.push(entry.name);
  return found;
}

describe("a full disk under the filesystem blob store", () => {
  it("answers 503 with Retry-After, stores nothing half, and recovers when space returns", async () => {
    expect((await post(photo, "before")).status).toBe(200);
    // Fill the disk to the last byte.
    const filler = path.join(blobDir, "filler");
    await writeFile(filler, Buffer.alloc(0));
    try {
      await writeFile(filler, Buffer.alloc(16 * 1024 * 1024));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
    }
    const image = Buffer.concat([photo, Buffer.from("\0while full")]);
    const refused = await post(image, "while full");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBeTruthy();
    expect(await temporaryFiles(blobDir)).toEqual([]);
    const { rows } = await getPool().query("SELECT 1 FROM deliveries WHERE metadata = 'while full' AND status = 'verified'");
    expect(rows).toHaveLength(0);

    await rm(filler);
    const retried = await post(image, "while full");
    expect(retried.status).toBe(200);
    const served = await env.api(
      `/api/images/${(await getPool().query<{ image_id: string }>("SELECT image_id FROM deliveries WHERE id = $1", [((await retried.json()) as { id: string }).id])).rows[0].image_id}`,
    );
    expect(Buffer.from(await served.arrayBuffer()).equals(image)).toBe(true);
  });
});
