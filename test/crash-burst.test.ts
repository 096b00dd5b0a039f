import { execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "@/lib/database/embedded-postgres.ts";
import { copyClusterTemplate } from "./helpers/cluster-template.ts";
import { startAppServer, type AppServer } from "./helpers/app-server.ts";
import { cliRunner } from "./helpers/cli-runner.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";
import { descendants, runs } from "./helpers/process-tree.ts";

// Issue 11 / 15: `kill -9` of the whole of `npm start` (the launcher, the receiver, the
// dashboard and the embedded PostgreSQL, all at once, as a power cut or the OOM killer would)
// in the middle of a burst of deliveries from 16 senders. After a restart on the same DATA_DIR
// (PostgreSQL recovers from its WAL), every delivery that was answered 200 is there, verified,
// with its image byte-exact, and `blobs check` finds no blob missing or corrupt.

const SENDERS = 16;
const ANSWERED_BEFORE_KILL = 80;
let dataDir: string;
let app: AppServer | undefined;
const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: "", ENCRYPTION_KEY: "", BLOB_STORE: "filesystem" });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-crash-"));
  await chmod(dataDir, 0o755);
  await copyClusterTemplate(dataDir); // an embedded cluster migrated already: no initdb
});

afterAll(async () => {
  await app?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("kill -9 of the app and its database during a burst", () => {
  it("loses no delivery that was answered 200", { timeout: 300_000 }, async () => {
    app = await startAppServer(env());
    const { cli } = cliRunner(() => dataDir);
    const secret = cli(["source", "add", "--kind", "maskit", "--slug", "burst", "--generate"]).lastLine;
    const token = cli(["token", "create", "--name", "crash-test", "--role", "viewer"]).lastLine;
    const images = await Promise.all(Array.from({ length: 400 }, (_, index) => makeJpeg(320, 240, { seed: 5000 + index })));

    const answered: Array<{ id: string; index: number }> = [];
    let failedAfterKill = 0;
    let next = 0;
    let isKilled = false;
    const baseUrl = app.baseUrl;
    const sender = async () => {
      while (next < images.length) {
        const index = next++;
        const delivery = maskitBody(images[index], `burst / ${index}`);
        const signature = createHmac("sha256", secret).update(delivery.body).digest("hex");
        try {
          const response = await fetch(`${baseUrl}/api/webhooks/burst`, {
            method: "POST",
            body: new Uint8Array(delivery.body),
            headers: { "content-type": delivery.contentType, "x-signature": signature },
          });
          const answer = await response.json();
          if (response.status === 200) answered.push({ id: answer.id, index });
          else expect(isKilled, `answered ${response.status} before the kill`).toBe(true);
        } catch {
          expect(isKilled, "a request failed before the kill").toBe(true);
          failedAfterKill++;
          return;
        }
      }
    };
    const senders = Array.from({ length: SENDERS }, sender);
    while (answered.length < ANSWERED_BEFORE_KILL) await new Promise((resolve) => setTimeout(resolve, 5));
    const postmasters = descendants(app.pid).filter((pid) => runs(pid, "bin/postgres"));
    expect(postmasters.length, "the embedded PostgreSQL runs under npm start, to be killed with it").toBeGreaterThan(0);
    isKilled = true;
    const killed = await app.kill();
    expect(killed).toEqual(expect.arrayContaining(postmasters));
    await Promise.all(senders);
    expect(failedAfterKill, "requests were in flight at the kill").toBeGreaterThan(0);
    const answeredAtKill = [...answered];

    app = await startAppServer(env());
    for (const { id, index } of answeredAtKill) {
      const response = await fetch(`${app.baseUrl}/api/deliveries/${id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status, `delivery ${index}`).toBe(200);
      const delivery = await response.json();
      expect(delivery).toMatchObject({ status: "verified", metadata: `burst / ${index}` });
      const image = await fetch(`${app.baseUrl}/api/images/${delivery.images[0].id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(Buffer.from(await image.arrayBuffer()).equals(images[index]), `image of delivery ${index}`).toBe(true);
    }
    const check = cli(["blobs", "check"]).stdout;
    expect(check).toMatch(/: 0 missing, 0 corrupt, \d+ orphaned/);
    console.log(
      `crash-burst: ${answeredAtKill.length} answered 200 before kill -9 of ${killed.length} processes, ${failedAfterKill} in flight; all ${answeredAtKill.length} present after restart`,
    );
  });

  it("starts again when the crashed cluster's pid now belongs to another process", { timeout: 120_000 }, async () => {
    // After a crash postmaster.pid stays; once its pid is reused (a busy machine, any container
    // restart), PostgreSQL took the cluster for running and refused to start: "lock file
    // postmaster.pid already exists". Made certain here: the file left as a crash leaves it,
    // naming a live process that is not this cluster's, run by the postgres user (PostgreSQL
    // takes a pid it may not signal for stale: only the same user's process fools it, such as
    // another cluster's backend, which is what was seen here).
    const dir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-pid-reuse-"));
    const other = spawn("sleep", ["60"], { uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()) });
    try {
      const first = await startEmbeddedPostgres(dir);
      const lockFile = path.join(dir, "postgres", "postmaster.pid");
      const lines = (await readFile(lockFile, "utf8")).split("\n");
      await first.stop();
      await writeFile(lockFile, [String(other.pid), ...lines.slice(1)].join("\n"));
      const second = await startEmbeddedPostgres(dir);
      await second.stop();
    } finally {
      other.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
