// Ingest benchmark: the same load against three receivers in one run on one machine.
//   reference  — the receiver in MaskIt's docs (bench/peers/reference-receiver.ts): Express,
//                express.raw, HMAC, multer, writeFileSync; no database, no fsync
//   ceiling    — bare node:http that only hashes and verifies (bench/peers/ceiling-receiver.ts)
//   webhook-inbox — started as `npm start` does (embedded PostgreSQL), committing before the 200
//   next-floor — the ceiling's work inside a Next.js route handler (bench/peers/next-floor): what
//                Next's request handling costs by itself, and why webhook-inbox's receiver runs
//                on node:http in front of Next (lib/server/serve.ts) rather than in a route
//   postgres-floor — the ceiling's work plus one INSERT of the body committed before the 200, on
//                webhook-inbox's own embedded PostgreSQL (bench/peers/postgres-floor.ts): the
//                most any receiver that stores deliveries in PostgreSQL can do here
// Load: unique signed deliveries, each a different image, as a masking service sends them (a
// 1920x1080 JPEG of ~170 KB with a distinct trailer after its end-of-image marker, so every
// delivery stores new image bytes and needs a thumbnail), at concurrency 1, 16 and 64,
// in interleaved rounds (the order of receivers rotates), each load started once the machine has
// settled from the one before, medians of the rounds. Then 16
// clients each upload 25 MB at once to each receiver. Peak RSS is sampled throughout.
// Usage: npm run bench [-- --rounds 3]
import { execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { embeddedClusterUrl } from "../lib/database/embedded-postgres.ts";
import { maskitBody } from "../lib/senders/multipart-body.ts";
import { freePort, startAppServer } from "../test/helpers/app-server.ts";
import { makeJpeg } from "../test/helpers/images.ts";
import { closeIdleConnections, median, runLoad, untilMachineSettles, type LoadResult, type PreparedRequest } from "./lib/load.ts";
import { samplePeakRss, treeRssBytes } from "./lib/process-memory.ts";

const { values: options } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const ROUNDS = Number(options.rounds);
const LOAD = [
  { concurrency: 1, count: 150 },
  { concurrency: 16, count: 600 },
  { concurrency: 64, count: 800 },
];
const MiB = 1024 * 1024;

interface Target {
  name: string;
  port: number;
  path: string;
  pid: number;
  stop(): Promise<void> | void;
}

const workDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-bench-"));
await chmod(workDir, 0o755);
const appEnv = { DATA_DIR: path.join(workDir, "data"), DATABASE_URL: "", ENCRYPTION_KEY: "" };
await mkdir(appEnv.DATA_DIR, { recursive: true });
await chmod(appEnv.DATA_DIR, 0o755);
const secret = execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/cli.ts", "source", "add", "--kind", "maskit", "--slug", "bench", "--generate"], {
  env: { ...process.env, ...appEnv },
  encoding: "utf8",
}).trimEnd().split("\n").at(-1)!;
const app = await startAppServer(appEnv);
const targets: Target[] = [
  await startPeer("reference", "bench/peers/reference-receiver.ts", "/webhook", { OUTPUT_DIR: path.join(workDir, "receivedimages") }),
  await startPeer("ceiling", "bench/peers/ceiling-receiver.ts", "/", {}),
  await startPeer("postgres-floor", "bench/peers/postgres-floor.ts", "/", { DATABASE_URL: await floorDatabase() }),
  { name: "webhook-inbox", port: app.port, path: "/api/webhooks/bench", pid: app.pid, stop: () => app.stop() },
  await startNextFloor(),
];
const appServerPid = Number(/serving on .* \(pid (\d+)\)/.exec(app.output())?.[1]);
const samplers = new Map(targets.map((target) => [target.name, samplePeakRss(target.pid)]));
const appServerSampler = samplePeakRss(appServerPid);

try {
  const photo = await makeJpeg(1920, 1080, { quality: 76 });
  console.log(`image: 1920x1080 JPEG of ${(photo.length / 1024).toFixed(0)} KB; ${ROUNDS} rounds; ${os.cpus().length} cores`);
  let serial = 0;
  const batch = (target: Target, count: number) => Array.from({ length: count }, () => signedRequest(target.path, distinct(photo, serial), `bench ${serial++}`));
  for (const target of targets) await runLoad(target.port, batch(target, 200), 16); // warm-up

  const results = new Map<string, LoadResult[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const { concurrency, count } of LOAD) {
      const order = targets.map((_, index) => targets[(index + round) % targets.length]);
      for (const target of order) {
        const requests = batch(target, count);
        await untilMachineSettles();
        const result = await runLoad(target.port, requests, concurrency);
        const key = `${target.name}@${concurrency}`;
        results.set(key, [...(results.get(key) ?? []), result]);
      }
    }
    console.log(`round ${round + 1} of ${ROUNDS} done`);
  }

  const summary: Record<string, unknown> = {};
  for (const { concurrency } of LOAD) {
    const rows = targets.map((target) => {
      const rounds = results.get(`${target.name}@${concurrency}`)!;
      return { name: target.name, perSecond: median(rounds.map((r) => r.perSecond)), p50: median(rounds.map((r) => r.p50)), p99: median(rounds.map((r) => r.p99)), statuses: mergeStatuses(rounds) };
    });
    const [reference, ceiling, postgresFloor] = [rows[0], rows[1], rows[2]];
    console.log(`\nconcurrency ${concurrency}\n| receiver | deliveries/s | p50 ms | p99 ms | / reference | / ceiling | / postgres-floor | statuses |\n|---|---|---|---|---|---|---|---|`);
    for (const row of rows) {
      const ratios = [reference, ceiling, postgresFloor].map((base) => (row.perSecond / base.perSecond).toFixed(2)).join(" | ");
      console.log(`| ${row.name} | ${row.perSecond.toFixed(0)} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${ratios} | ${JSON.stringify(row.statuses)} |`);
    }
    summary[`concurrency${concurrency}`] = rows;
  }

  const big = await makeJpeg(4000, 3000, { quality: 100, noise: 255, seed: 3 });
  const padded = Buffer.concat([big, Buffer.alloc(Math.max(0, 25 * MiB - big.length))]); // JPEG readers ignore bytes after EOI
  console.log("\n16 clients x 25 MB at once\n| receiver | statuses | seconds | peak RSS MB (whole run) |\n|---|---|---|---|");
  for (const target of targets) {
    const uploads = Array.from({ length: 16 }, (_, i) => signedRequest(target.path, distinct(padded, serial++), `large ${i}`));
    closeIdleConnections();
    await untilMachineSettles();
    // The app server's own figure for this phase: its RSS before the uploads, and its peak during them.
    const appBefore = target.name === "webhook-inbox" ? treeRssBytes(appServerPid) / MiB : 0;
    const appDuring = target.name === "webhook-inbox" ? samplePeakRss(appServerPid) : null;
    const large = await runLoad(target.port, uploads, 16);
    if (appDuring) {
      summary.largeAppServer = { beforeMB: appBefore, peakMB: appDuring.stop() / MiB };
    }
    const peak = samplers.get(target.name)!.stop() / MiB;
    console.log(`| ${target.name} | ${JSON.stringify(large.statuses)} | ${large.seconds.toFixed(1)} | ${peak.toFixed(0)} |`);
    summary[`large-${target.name}`] = { statuses: large.statuses, seconds: large.seconds, peakRssMB: peak };
  }
  const appPeak = appServerSampler.stop() / MiB;
  const largeApp = summary.largeAppServer as { beforeMB: number; peakMB: number };
  console.log(`\nwebhook-inbox app server during the 16 x 25 MB uploads: ${largeApp.beforeMB.toFixed(0)} MB before, peak ${largeApp.peakMB.toFixed(0)} MB`);
  console.log(`webhook-inbox peak RSS over the whole run: app server ${appPeak.toFixed(0)} MB; with its embedded PostgreSQL ${(summary["large-webhook-inbox"] as { peakRssMB: number }).peakRssMB.toFixed(0)} MB (idle now: ${(treeRssBytes(appServerPid) / MiB).toFixed(0)} MB)`);
  await mkdir("bench/results", { recursive: true });
  await writeFile(`bench/results/ingest-${new Date().toISOString().replace(/[:.]/g, "-")}.json`, JSON.stringify({ imageBytes: photo.length, rounds: ROUNDS, appServerPeakRssMB: appPeak, ...summary }, null, 2));
} finally {
  for (const target of targets) await target.stop();
  await rm(workDir, { recursive: true, force: true });
}

function signedRequest(requestPath: string, image: Buffer, metadata: string): PreparedRequest {
  const { body, contentType } = maskitBody(image, metadata);
  return { path: requestPath, body, headers: { "content-type": contentType, "x-signature": createHmac("sha256", secret).update(body).digest("hex") } };
}

async function startNextFloor(): Promise<Target> {
  const next = ["node_modules/next/dist/bin/next"];
  const dir = "bench/peers/next-floor";
  execFileSync(process.execPath, [...next, "build", dir], { stdio: "ignore", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  const port = await freePort();
  const child = spawn(process.execPath, [...next, "start", dir, "--port", String(port)], { env: { ...process.env, BENCH_SECRET: secret, NODE_ENV: "production" }, stdio: "ignore" });
  while (!(await fetch(`http://127.0.0.1:${port}/floor`).catch(() => null))) await new Promise((resolve) => setTimeout(resolve, 200));
  return { name: "next-floor", port, path: "/floor", pid: child.pid!, stop: () => void child.kill("SIGTERM") };
}

/** A database of its own for the postgres-floor peer, in the cluster webhook-inbox started, reached the same way. */
async function floorDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: await embeddedClusterUrl(appEnv.DATA_DIR, "postgres") });
  await admin.connect();
  await admin.query("CREATE DATABASE postgres_floor");
  await admin.end();
  return embeddedClusterUrl(appEnv.DATA_DIR, "postgres_floor");
}

/** The same picture as other bytes: JPEG readers stop at the end-of-image marker. */
function distinct(image: Buffer, serial: number): Buffer {
  return Buffer.concat([image, Buffer.from(`\0bench-${process.pid}-${serial}`)]);
}

function mergeStatuses(rounds: LoadResult[]): Record<number, number> {
  const all: Record<number, number> = {};
  for (const round of rounds) for (const [status, n] of Object.entries(round.statuses)) all[Number(status)] = (all[Number(status)] ?? 0) + n;
  return all;
}

async function startPeer(name: string, script: string, requestPath: string, env: Record<string, string>): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", script], { env: { ...process.env, ...env, PORT: String(port), BENCH_SECRET: secret }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve) => child.stdout!.once("data", resolve));
  return { name, port, path: requestPath, pid: child.pid!, stop: () => void child.kill("SIGTERM") };
}
