import { createHash, createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { utimes } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db.ts";
import { startAppServer, type AppServer } from "./helpers/app-server.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";

// Issue 11, durability order: a delivery's blob is durable before the transaction that names it
// commits, so `kill -9` between the two leaves bytes that no row names, never a row without
// bytes; after a restart the sweep removes those bytes (once older than an hour) and nothing
// that a row references. The window is held open for real: this test's own connection holds
// `LOCK TABLE deliveries IN EXCLUSIVE MODE` (reads go on, inserts wait), so the receiver puts
// the image, then blocks inside its transaction; then every process of the app gets SIGKILL.

const SECRET = "whsec_crash-orphan-secret-0123456789";
let env: TestEnvironment;
let app: AppServer;

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const blobFile = (sha: string) => path.join(env.dataDir, "blobs", sha.slice(0, 2), sha.slice(2, 4), sha);
const signed = (image: Buffer, metadata: string) => {
  const delivery = maskitBody(image, metadata);
  return {
    body: delivery.body,
    headers: { "content-type": delivery.contentType, "x-signature": createHmac("sha256", SECRET).update(delivery.body).digest("hex") },
  };
};
const post = (delivery: { body: Buffer; headers: Record<string, string> }) =>
  fetch(`${app.baseUrl}/api/webhooks/yard`, { method: "POST", body: new Uint8Array(delivery.body), headers: delivery.headers });

beforeAll(async () => {
  env = await startTestEnvironment({ BLOB_STORE: "filesystem", BLOB_SWEEP_INTERVAL_SECONDS: "1" });
  app = env.app;
  await env.createMaskitSource("yard", [SECRET]);
}, 240_000);

afterAll(async () => {
  await app?.stop();
  await env?.close();
});

describe("kill -9 between a blob's put and its commit", () => {
  it("leaves an unreferenced blob and no row; after a restart the sweep removes it and keeps every referenced one", { timeout: 180_000 }, async () => {
    const keptImage = await makeJpeg(640, 480, { seed: 41 });
    const kept = await post(signed(keptImage, "committed before the crash"));
    expect(kept.status).toBe(200);

    const orphanImage = await makeJpeg(640, 480, { seed: 42 });
    const orphan = signed(orphanImage, "in flight at the crash");
    const locker = new pg.Client({ connectionString: env.db.url });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE deliveries IN EXCLUSIVE MODE");
      const answer = post(orphan).then(
        (response) => response.status,
        (error: Error) => error.message,
      );

      // The bytes are in their place (renamed after fdatasync) while the transaction that
      // would name them waits for the lock: exactly the window a crash can fall into.
      await waitFor(() => existsSync(blobFile(sha256(orphanImage))), "the orphan's blob file");
      await waitFor(async () => (await waitingOnLock(locker)) > 0, "the receiver's transaction to wait on the lock");
      const killed = await app.kill();
      expect(killed.length, "the launcher, the receiver and the dashboard").toBeGreaterThanOrEqual(3);
      expect(await answer).not.toBe(200);
    } finally {
      await locker.query("ROLLBACK");
      await locker.end();
    }

    // What the crash left: the bytes, and nothing naming them.
    expect(await getPrisma().delivery.count({ where: { metadata: "in flight at the crash" } })).toBe(0);
    expect(await getPrisma().blob.count({ where: { sha256: sha256(orphanImage) } })).toBe(0);
    expect(existsSync(blobFile(sha256(orphanImage)))).toBe(true);

    // Both blobs two hours old: only the age rule would otherwise spare the orphan.
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const image of [keptImage, orphanImage]) await utimes(blobFile(sha256(image)), twoHoursAgo, twoHoursAgo);

    app = await startAppServer({
      DATABASE_URL: env.db.url,
      DATA_DIR: env.dataDir,
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
      BLOB_STORE: "filesystem",
      BLOB_SWEEP_INTERVAL_SECONDS: "1",
    });
    await waitFor(() => !existsSync(blobFile(sha256(orphanImage))), "the sweep to remove the orphan", 60_000);
    // The sweep says so once it is done, a moment after the file went.
    await waitFor(() => /blob sweep: removed 1 unreferenced blobs/.test(app.output()), "the sweep to report it");

    // The referenced blob is still there and served byte-exact.
    expect(existsSync(blobFile(sha256(keptImage)))).toBe(true);
    const keptRow = await getPrisma().delivery.findFirstOrThrow({ where: { metadata: "committed before the crash" } });
    const served = await fetch(`${app.baseUrl}/api/images/${keptRow.imageId}`, { headers: { authorization: `Bearer ${env.adminToken}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(keptImage)).toBe(true);

    // The sender, never answered, retries: stored in full this time.
    const retried = await post(orphan);
    expect(retried.status).toBe(200);
    expect(existsSync(blobFile(sha256(orphanImage)))).toBe(true);
  });
});

/** Other sessions of this database waiting for a lock (here: the receiver's INSERT). */
async function waitingOnLock(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ count: string }>(
    "SELECT count(*) AS count FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
  );
  return Number(rows[0].count);
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
