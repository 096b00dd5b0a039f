import { execFileSync, spawn } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "@/lib/storage/blob-store.ts";
import { createFilesystemStore } from "@/lib/storage/filesystem-store.ts";
import { readBlobBuffer } from "@/lib/storage/read-blob.ts";
import { s3StoreFromEnv } from "@/lib/storage/s3-store.ts";
import { startAppServer, type AppServer } from "./helpers/app-server.ts";
import { cliRunner } from "./helpers/cli-runner.ts";
import { copyClusterTemplate } from "./helpers/cluster-template.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";
import { killTree } from "./helpers/process-tree.ts";
import { startS3Server, type S3TestServer } from "./helpers/s3-server.ts";
import { commandLine } from "./helpers/command-line.ts";

// Issue 11: `npm run cli -- blobs migrate --to filesystem|s3` on an installation of two hundred
// deliveries kept in the postgres store, killed (SIGKILL) part-way while the app runs, then run
// again: it resumes where its saved position says, and ends with every blob in the new store,
// the counts adding up, progress shown, and every image served byte-exact by an app restarted
// on the new store. Part-way is made certain, not timed: once the first page's position is
// saved, this test's own connection locks that settings row, so the CLI blocks on its next save.

const DELIVERIES = 200; // and their thumbnails: more than four pages of blobs
// blobs per page, and so between two saves of the position (--batch): small, so that the first
// run is still copying when the test takes the lock its next save waits for (at 50, a fast CLI
// had copied every page, and finished, before the test could block it)
const BATCH = 10;
const UNSIGNED = 12; // quarantined raw bodies, blobs of their own
const SECRET_SLUG = "depot";
let populated: string;
const images = new Map<string, Buffer>(); // metadata -> image bytes

beforeAll(async () => {
  populated = await newDataDir();
  await copyClusterTemplate(populated); // migrated already: no initdb
  const app = await startAppServer(baseEnv(populated));
  try {
    const { cli } = cliRunner(() => populated);
    const secret = cli(["source", "add", "--kind", "maskit", "--slug", SECRET_SLUG, "--generate"]).lastLine;
    const post = async (index: number) => {
      const image = await makeJpeg(320, 240, { seed: 1000 + index });
      const metadata = `migrate / frame ${index}`;
      const delivery = maskitBody(image, metadata);
      const signature = index < DELIVERIES ? createHmac("sha256", secret).update(delivery.body).digest("hex") : "00".repeat(32);
      const response = await fetch(`${app.baseUrl}/api/webhooks/${SECRET_SLUG}`, {
        method: "POST",
        body: new Uint8Array(delivery.body),
        headers: { "content-type": delivery.contentType, "x-signature": signature },
      });
      expect(response.status).toBe(index < DELIVERIES ? 200 : 401);
      if (index < DELIVERIES) images.set(metadata, image);
    };
    for (let next = 0; next < DELIVERIES + UNSIGNED; next += 8)
      await Promise.all(Array.from({ length: Math.min(8, DELIVERIES + UNSIGNED - next) }, (_, i) => post(next + i)));
    // Thumbnails are made once the receiver is quiet (at most 64 queued; the rest on first
    // view): wait until they stop coming, so that the app stops with nothing half-made.
    await withDatabase(populated, async (client) => {
      let last = -1;
      await waitFor(
        async () => {
          const now = await count(client, "SELECT count(*) FROM renditions");
          const isSettled = now === last && now > 0;
          last = now;
          if (!isSettled) await new Promise((resolve) => setTimeout(resolve, 1_500));
          return isSettled;
        },
        "the thumbnails",
        120_000,
      );
    });
  } finally {
    await app.stop();
  }
}, 300_000);

afterAll(async () => {
  await rm(populated, { recursive: true, force: true });
});

describe("blobs migrate, interrupted and resumed", () => {
  it("moves a postgres installation to filesystem", { timeout: 300_000 }, async () => {
    const dataDir = await copyOf(populated);
    try {
      await migrateInterruptedAndResumed(dataDir, "filesystem", {}, createFilesystemStore({ directory: path.join(dataDir, "blobs") }));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("moves a postgres installation to s3", { timeout: 300_000 }, async () => {
    const dataDir = await copyOf(populated);
    let s3: S3TestServer | undefined;
    try {
      s3 = await startS3Server({ bucket: "migrate-target" });
      const store = s3StoreFromEnv(s3.env);
      await migrateInterruptedAndResumed(dataDir, "s3", s3.env, store);
    } finally {
      await s3?.destroy();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

async function migrateInterruptedAndResumed(dataDir: string, to: "filesystem" | "s3", targetEnv: Record<string, string>, target: BlobStore): Promise<void> {
  // The migration runs while the app keeps receiving, on the store it started with.
  let app: AppServer = await startAppServer(baseEnv(dataDir));
  try {
    await withDatabase(dataDir, async (client) => {
      const named = new Set((await client.query<{ sha256: string }>("SELECT DISTINCT sha256 FROM blobs")).rows.map((row) => row.sha256));
      expect(named.size).toBeGreaterThan(4 * BATCH);

      // First run: killed while blocked on saving its position after the second page.
      const first = runCli(dataDir, ["blobs", "migrate", "--to", to, "--batch", String(BATCH)], targetEnv);
      await waitFor(async () => ((await migrationState(client))?.after ?? "") !== "", "the first page's saved position", 120_000);
      await client.query("BEGIN");
      await client.query("SELECT 1 FROM settings WHERE key = 'blob_store_migration' FOR UPDATE");
      let blocked: number | undefined;
      await waitFor(async () => {
        const { rows } = await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()");
        blocked = rows[0]?.pid;
        return blocked !== undefined;
      }, "the CLI to block on its next save");
      await killTree(first.pid);
      await client.query("ROLLBACK");
      expect(await first.exited).toMatchObject({ signal: "SIGKILL" });
      // The save it was blocked on was already sent: PostgreSQL runs it once the lock is free
      // (so the position may be after the second page), and only then finds its client gone.
      await waitFor(async () => (await count(client, `SELECT count(*) FROM pg_stat_activity WHERE pid = ${blocked}`)) === 0, "the killed CLI's session to end");

      const saved = (await migrationState(client))!;
      const copiedByFirst = await listed(target);
      expect((await storeRecord(client)).driver, "not switched by a run that did not finish").toBe("postgres");
      expect(saved.target.driver).toBe(to);
      expect(copiedByFirst.size).toBeGreaterThanOrEqual(2 * BATCH);
      expect(copiedByFirst.size).toBeLessThan(named.size);

      // Second run: resumes after the saved position and finishes.
      const second = runCli(dataDir, ["blobs", "migrate", "--to", to, "--batch", String(BATCH)], targetEnv);
      const { code } = await second.exited;
      expect(code, second.output()).toBe(0);
      const summary = second.stdout().match(/copied (\d+) of (\d+) blobs \(resumed after (\d+) checked by an interrupted run\)/);
      expect(summary, second.stdout()).not.toBeNull();
      const [copied, checked, resumedAt] = summary!.slice(1).map(Number);
      expect(checked).toBe(named.size);
      expect(resumedAt).toBe(await count(client, `SELECT count(DISTINCT sha256) FROM blobs WHERE sha256 <= '${saved.after}'`));
      expect(copiedByFirst.size + copied, "each blob copied once over the two runs").toBe(named.size);
      expect(second.stderr()).toMatch(new RegExp(`copying to ${to}: ${named.size}/${named.size} blobs, [\\d.]+ (KiB|MiB), [\\d.]+/s`));
      expect(await storeRecord(client)).toMatchObject({ driver: to });
      expect(await migrationState(client)).toBeNull();

      // Every named blob is in the target under its name, and reads back as its SHA-256.
      const inTarget = await listed(target);
      expect([...named].filter((sha) => !inTarget.has(sha))).toEqual([]);
      for (const sha of named)
        expect(
          createHash("sha256")
            .update(await readBlobBuffer(target, sha))
            .digest("hex"),
        ).toBe(sha);
    });

    // The app, restarted on the new store, serves every image byte-exact; `blobs check` agrees.
    await app.stop();
    app = await startAppServer({ ...baseEnv(dataDir), ...targetEnv, BLOB_STORE: to });
    const check = runCli(dataDir, ["blobs", "check"], { ...targetEnv, BLOB_STORE: to });
    expect((await check.exited).code, check.output()).toBe(0);
    expect(check.stdout()).toMatch(/: 0 missing, 0 corrupt, 0 orphaned/);
    const token = cliRunner(() => dataDir).cli(["token", "create", "--name", `after ${to}`, "--role", "viewer"]).lastLine;
    const served = await withDatabase(
      dataDir,
      async (client) =>
        (await client.query<{ metadata: string; image_id: string }>("SELECT metadata, image_id FROM deliveries WHERE status = 'verified'")).rows,
    );
    expect(served).toHaveLength(DELIVERIES);
    for (const { metadata, image_id } of served) {
      const response = await fetch(`${app.baseUrl}/api/images/${image_id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(images.get(metadata)!), metadata).toBe(true);
    }
  } finally {
    await app.stop();
    await target.close();
  }
}

function baseEnv(dataDir: string): Record<string, string> {
  return { DATA_DIR: dataDir, DATABASE_URL: "", ENCRYPTION_KEY: "", BLOB_STORE: "postgres" };
}

function runCli(dataDir: string, args: string[], extraEnv: Record<string, string>) {
  let stdout = "";
  let stderr = "";
  const child = spawn(process.execPath, commandLine("cli", args), {
    env: { ...process.env, ...baseEnv(dataDir), ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { pid: child.pid!, exited, stdout: () => stdout, stderr: () => stderr, output: () => `${stdout}\n${stderr}` };
}

/** A connection to the installation's embedded PostgreSQL (running: the app owns it). */
async function withDatabase<T>(dataDir: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const { port, password } = JSON.parse(await readFile(path.join(dataDir, "postgres.json"), "utf8"));
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "webhook_inbox" });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function migrationState(client: pg.Client): Promise<{ after: string; target: { driver: string } } | null> {
  const { rows } = await client.query("SELECT value FROM settings WHERE key = 'blob_store_migration'");
  return rows[0]?.value ?? null;
}

async function storeRecord(client: pg.Client): Promise<{ driver: string; identity: string }> {
  const { rows } = await client.query("SELECT value FROM settings WHERE key = 'blob_store'");
  return rows[0].value;
}

async function count(client: pg.Client, sql: string): Promise<number> {
  return Number(Object.values((await client.query(sql)).rows[0])[0]);
}

async function listed(store: BlobStore): Promise<Set<string>> {
  const found = new Set<string>();
  for await (const blob of store.list()) found.add(blob.sha256);
  return found;
}

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-migrate-"));
  await chmod(dir, 0o755);
  return dir;
}

/** The stopped installation copied whole (its PostgreSQL cluster among it), so each target starts from the same one. */
async function copyOf(source: string): Promise<string> {
  const dir = await newDataDir();
  // cp -a: the cluster's files must stay owned by the postgres user, with their modes.
  execFileSync("cp", ["-a", `${source}/.`, dir]);
  return dir;
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
