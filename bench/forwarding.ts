// Forwarding figures (issue 12), one app (`npm start`, embedded PostgreSQL), one run:
//   1. Ingest at concurrency 16 to a source with one fast local destination against a source
//      with none, in interleaved rounds: deliveries/s each way, and the forwarding lag from each
//      delivery's 200 to the destination's receipt (p50/p95/p99).
//      Also the CPU time each delivery costs, off and on (the app's tree: receiver, dashboard with
//      the forwarding workers, PostgreSQL; and the destination's process), which the machine's
//      other load does not skew the way it skews throughput. Each round's CPU is read once the app
//      is idle again, so that what it leaves running (renditions) is charged to it.
//   2. A destination that is down (paused, as after its failures): ingest meanwhile, the backlog,
//      and how fast it drains once resumed.
// Usage: npx tsx bench/forwarding.ts [--count 400] [--rounds 3]
import { execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { maskitBody } from "../lib/senders/multipart-body.ts";
import { startAppServer } from "../test/helpers/app-server.ts";
import { createInterface } from "node:readline";
import { makeJpeg } from "../test/helpers/images.ts";
import { median, percentile, untilMachineSettles } from "./lib/load.ts";
import { treeCpuMs } from "./lib/process-cpu.ts";
import { descendants } from "./lib/process-memory.ts";
import { readFileSync } from "node:fs";

const { values } = parseArgs({ options: { count: { type: "string", default: "400" }, rounds: { type: "string", default: "3" } } });
const COUNT = Number(values.count);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = 16;

const workDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-forwarding-bench-"));
await chmod(workDir, 0o755);
const env = { DATA_DIR: path.join(workDir, "data"), DATABASE_URL: "", ENCRYPTION_KEY: "" };
await mkdir(env.DATA_DIR);
await chmod(env.DATA_DIR, 0o755);
const cli = (args: string[]) =>
  execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/cli.ts", ...args], { env: { ...process.env, ...env }, encoding: "utf8" })
    .trimEnd()
    .split("\n");
const secret = cli(["source", "add", "--kind", "maskit", "--slug", "on", "--generate"]).at(-1)!;
const secretOff = cli(["source", "add", "--kind", "maskit", "--slug", "off", "--generate"]).at(-1)!;
const secretDown = cli(["source", "add", "--kind", "maskit", "--slug", "down", "--generate"]).at(-1)!;
const receivedAt = new Map<string, number>();
const destinationProcess = spawn(process.execPath, ["--import", "tsx", "bench/peers/forward-destination.ts"], { stdio: ["ignore", "pipe", "inherit"] });
const destinationPort = await new Promise<number>((resolve) => {
  createInterface({ input: destinationProcess.stdout! }).on("line", (line) => {
    const [first, second] = line.split(" ");
    if (first === "port") resolve(Number(second));
    else receivedAt.set(first, Number(second));
  });
});
const destination = { url: `http://127.0.0.1:${destinationPort}/hooks` };
cli(["destination", "add", "--source", "on", "--url", destination.url]);
cli(["destination", "add", "--source", "down", "--url", destination.url]);
const downId = cli(["destination", "list"])
  .find((line) => line.includes("  down  "))!
  .split(/\s+/)[0];
const app = await startAppServer(env);
const { port, password } = JSON.parse(execFileSync("cat", [path.join(env.DATA_DIR, "postgres.json")], { encoding: "utf8" }));
const db = new pg.Client({ connectionString: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/webhook_inbox` });
await db.connect();
const photo = await makeJpeg(1920, 1080);
let serial = 0;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

try {
  const on: Array<{ perSecond: number; lag: number[] }> = [];
  const off: number[] = [];
  const cpu = { on: [] as Cpu[], off: [] as Cpu[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const slug of round % 2 === 0 ? ["on", "off"] : ["off", "on"]) {
      await untilMachineSettles();
      const before = cpuNow();
      const result = await ingest(slug, slug === "on" ? secret : secretOff);
      if (slug === "off") off.push(result.perSecond);
      else {
        await waitUntil(() => result.answered.every(([id]) => receivedAt.has(id)), 60_000);
        on.push({ perSecond: result.perSecond, lag: result.answered.map(([id, at]) => receivedAt.get(id)! - at) });
      }
      await untilAppIdle();
      const after = cpuNow();
      cpu[slug as "on" | "off"].push(perDelivery(before, after));
    }
  }
  const lag = on.flatMap((round) => round.lag).sort((a, b) => a - b);
  console.log(`\ningest at concurrency ${CONCURRENCY}, ${COUNT} unique 1920x1080 JPEG deliveries a round, medians of ${ROUNDS} interleaved rounds:`);
  console.log(`  forwarding off: ${median(off).toFixed(0)} deliveries/s (rounds: ${off.map((value) => value.toFixed(0)).join(", ")})`);
  console.log(
    `  forwarding on:  ${median(on.map((round) => round.perSecond)).toFixed(0)} deliveries/s (rounds: ${on.map((round) => round.perSecond.toFixed(0)).join(", ")})`,
  );
  console.log(`  ratio on/off:   ${(median(on.map((round) => round.perSecond)) / median(off)).toFixed(2)}`);
  console.log(
    `  forwarding lag, 200 to the destination's receipt, ${lag.length} deliveries: p50 ${percentile(lag, 0.5).toFixed(1)} ms, p95 ${percentile(lag, 0.95).toFixed(1)} ms, p99 ${percentile(lag, 0.99).toFixed(1)} ms`,
  );
  const cpuOf = (rounds: Cpu[]) =>
    (Object.keys(rounds[0]) as Array<keyof Cpu>).map((key) => `${key} ${median(rounds.map((round) => round[key])).toFixed(2)}`).join(", ");
  console.log(`  CPU ms per delivery (medians): off: ${cpuOf(cpu.off)}\n                                 on:  ${cpuOf(cpu.on)}`);

  // A destination that is down: paused, as after FORWARD_AUTO_PAUSE_FAILURES failures, then back.
  cli(["destination", "pause", "--id", downId]);
  await untilMachineSettles();
  const whileDown = await ingest("down", secretDown);
  await untilAppIdle(); // the round's renditions, before the drain's CPU is counted
  const backlog = (await db.query("SELECT count(*)::int AS n FROM forwards WHERE destination_id = $1 AND state = 'waiting'", [downId])).rows[0].n;
  const resumed = performance.now();
  const beforeDrain = cpuNow();
  cli(["destination", "resume", "--id", downId]);
  await waitUntil(() => whileDown.answered.every(([id]) => receivedAt.has(id)), 120_000);
  const drainSeconds = (performance.now() - resumed) / 1000;
  await untilAppIdle();
  // The backlog goes through the queue's workers (the receiver's hand-off only takes fresh
  // deliveries): what a forward costs that way, to set against the hand-off's cost above (on − off).
  const drainCpu = perDelivery(beforeDrain, cpuNow(), backlog);
  console.log(
    `\ndestination down: ingest ${whileDown.perSecond.toFixed(0)} deliveries/s, backlog ${backlog}; after resume drained in ${drainSeconds.toFixed(1)} s (${(backlog / drainSeconds).toFixed(0)} forwards/s, including the CLI's start)`,
  );
  console.log(
    `  CPU ms per forward while draining (the queue's workers): ${(Object.keys(drainCpu) as Array<keyof Cpu>).map((key) => `${key} ${drainCpu[key].toFixed(2)}`).join(", ")}`,
  );
} finally {
  await db.end();
  await app.stop();
  destinationProcess.kill();
  await rm(workDir, { recursive: true, force: true });
}

async function ingest(slug: string, sourceSecret: string) {
  const requests = Array.from({ length: COUNT }, () => {
    const { body, contentType } = maskitBody(Buffer.concat([photo, Buffer.from(`\0forwarding-bench-${process.pid}-${serial++}`)]), `bench ${serial}`);
    return { body, headers: { "content-type": contentType, "x-signature": createHmac("sha256", sourceSecret).update(body).digest("hex") } };
  });
  const answered: Array<[string, number]> = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const request = requests[next++];
        const answer = await post(`/api/webhooks/${slug}`, request);
        if (answer.status === 200) answered.push([answer.id, Date.now()]);
      }
    }),
  );
  return { perSecond: requests.length / ((performance.now() - started) / 1000), answered };
}

function post(pathname: string, request: { body: Buffer; headers: Record<string, string> }): Promise<{ status: number; id: string }> {
  return new Promise((resolve) => {
    const outgoing = http.request(
      { host: "127.0.0.1", port: app.port, method: "POST", path: pathname, agent, headers: { ...request.headers, "content-length": request.body.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, id: response.statusCode === 200 ? JSON.parse(Buffer.concat(chunks).toString()).id : "" }),
        );
      },
    );
    outgoing.on("error", () => resolve({ status: 0, id: "" }));
    outgoing.end(request.body);
  });
}

interface Cpu {
  app: number;
  receiver: number;
  dashboard: number;
  postgres: number;
  destination: number;
}

/** CPU ms so far: the app's whole tree (launcher, receiver, dashboard, embedded PostgreSQL), those three apart, and the destination. */
function cpuNow(): Cpu {
  const pidOf = (pattern: RegExp) => descendants(app.pid).find((pid) => pattern.test(commandOf(pid))) ?? 0;
  const tree = (pid: number) => (pid ? treeCpuMs(pid) : 0);
  return {
    app: treeCpuMs(app.pid),
    receiver: tree(pidOf(/serve-receiver/)),
    dashboard: tree(pidOf(/serve-dashboard/)),
    postgres: tree(pidOf(/postgres.*-D/)),
    destination: treeCpuMs(destinationProcess.pid!),
  };
}

function perDelivery(before: Cpu, after: Cpu, count = COUNT): Cpu {
  return Object.fromEntries(Object.keys(before).map((key) => [key, (after[key as keyof Cpu] - before[key as keyof Cpu]) / count])) as unknown as Cpu;
}

/**
 * Until the app's tree has gone (nearly) idle: what a round leaves running after its last answer
 * (the images' renditions, forwards still being recorded) is charged to that round, not the next.
 */
async function untilAppIdle() {
  const deadline = Date.now() + 30_000;
  let last = treeCpuMs(app.pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = treeCpuMs(app.pid);
    if (now - last < 20) return; // at most one 10 ms tick in 250 ms
    last = now;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the destination");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
