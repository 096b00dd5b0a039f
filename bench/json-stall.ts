// Can JSON bodies stall the app? (issue 15 A2). While 4 senders post 8 MiB unsigned JSON bodies
// to an Eden AI source in a loop, an operator polls GET /api/deliveries; reports that request's
// p50/p99/max, alone first and then under the load, and the app's peak RSS (the receiver and
// dashboard processes together, without PostgreSQL) during the load and once it has settled.
// Targets: p99 under 200 ms, RSS under 600 MB.
// Usage: npx tsx bench/json-stall.ts [--seconds 20]
// It starts the app of the current working directory (scripts/start.ts there), so to measure
// another checkout, run this file with that checkout as the working directory.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { serverBundle } from "../scripts/lib/server-bundles.ts";
import { startAppServer } from "../test/helpers/app-server.ts";
import { percentile } from "./lib/load.ts";

const SENDERS = 4;
const BODY_BYTES = 8 * 1024 * 1024;
const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 20;

const workDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-json-stall-"));
await chmod(workDir, 0o755);
const env = { DATA_DIR: path.join(workDir, "data"), DATABASE_URL: "", ENCRYPTION_KEY: "" };
await mkdir(env.DATA_DIR, { recursive: true });
await chmod(env.DATA_DIR, 0o755);
const cli = (args: string[]) =>
  execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/cli.ts", ...args], { env: { ...process.env, ...env }, encoding: "utf8" })
    .trimEnd()
    .split("\n")
    .at(-1)!;
cli(["source", "add", "--kind", "edenai", "--slug", "bench-json"]);
const token = cli(["token", "create", "--name", "bench", "--role", "viewer"]);
const app = await startAppServer(env);
const body = new Uint8Array(jsonBodyOf(BODY_BYTES));

try {
  const appPids = await findServerPids(app.pid);
  for (let i = 0; i < 5; i++) await probe(); // the route's first loads
  const alone = await probeFor(3);
  let peakRss = rssOf(appPids);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(appPids))), 100);
  const deadline = performance.now() + seconds * 1000;
  const answers = new Map<number, number>();
  const senders = Array.from({ length: SENDERS }, async () => {
    while (performance.now() < deadline) {
      const response = await fetch(`${app.baseUrl}/api/webhooks/bench-json`, { method: "POST", body, headers: { "content-type": "application/json" } });
      await response.arrayBuffer();
      answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
    }
  });
  const loaded = await probeFor(seconds);
  await Promise.all(senders);
  clearInterval(sampler);
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const settledRss = rssOf(appPids);

  console.log(
    `${SENDERS} senders x ${(BODY_BYTES / 1024 / 1024).toFixed(0)} MiB unsigned JSON for ${seconds} s; answers ${[...answers].map(([status, n]) => `${n}x ${status}`).join(", ")}`,
  );
  console.log("| GET /api/deliveries | requests | p50 ms | p99 ms | max ms |");
  console.log("|---|---|---|---|---|");
  for (const [label, latencies] of [
    ["alone", alone],
    ["under the JSON load", loaded],
  ] as const) {
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `| ${label} | ${sorted.length} | ${percentile(sorted, 0.5).toFixed(1)} | ${percentile(sorted, 0.99).toFixed(1)} | ${sorted.at(-1)!.toFixed(1)} |`,
    );
  }
  console.log(`app RSS (receiver + dashboard): peak ${mb(peakRss)} MB during the load, ${mb(settledRss)} MB 5 s after it`);
} finally {
  await app.stop();
  await rm(workDir, { recursive: true, force: true });
}

async function probe(): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${app.baseUrl}/api/deliveries?limit=50`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET /api/deliveries answered ${response.status}`);
  return performance.now() - started;
}

/** Sequential requests, 50 ms apart, for `duration` seconds. */
async function probeFor(duration: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + duration * 1000;
  while (performance.now() < end) {
    latencies.push(await probe());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return latencies;
}

/** A job result of about `size` bytes made of many small objects: parsing it is the cost. */
function jsonBodyOf(size: number): Buffer {
  const item = '{"n":123456,"label":"abcdefgh","score":0.5},';
  const count = Math.floor((size - 64) / item.length);
  const text = `{"job_id":"bench","status":"success","items":[${item.repeat(count).slice(0, -1)}]}`;
  return Buffer.from(text.padEnd(size, " "));
}

/** The receiver and dashboard processes (scripts/start.ts runs their bundles) among the launcher's children. */
async function findServerPids(launcherPid: number): Promise<number[]> {
  const children = (await readFile(`/proc/${launcherPid}/task/${launcherPid}/children`, "utf8")).trim().split(" ").map(Number);
  const commands = await Promise.all(children.map((pid) => readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")));
  const found = (["receiver", "dashboard"] as const).map((name) => children[commands.findIndex((command) => command.includes(serverBundle(name)))]);
  if (found.some((pid) => pid === undefined)) throw new Error("the app's server processes were not found");
  return found;
}

function rssOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + rssOfOne(pid), 0);
}

function rssOfOne(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}
