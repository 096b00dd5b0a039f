// Ingest figures for webhook-inbox as `npm start` runs it (embedded PostgreSQL):
//   1. deliveries per second and p50/p99 latency for unique signed 1920x1080 JPEGs of
//      150-200 KB at concurrency 16, beside a bare node:http hash-and-verify receiver (the
//      ceiling) measured in the same run, rounds interleaved, medians reported;
//   2. the app server's peak RSS while 16 clients each upload 25 MB at once.
// Usage: npm run bench [-- --rounds 5 --per-round 800]
import { execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { freePort, startAppServer } from "../test/helpers/app-server.ts";
import { makeJpeg } from "../test/helpers/images.ts";
import { maskitBody } from "../test/helpers/multipart.ts";
import { median, runLoad, type LoadResult, type PreparedRequest } from "./lib/load.ts";
import { samplePeakRss, treeRssBytes } from "./lib/process-memory.ts";

const { values: options } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, "per-round": { type: "string", default: "600" }, concurrency: { type: "string", default: "16" } },
});
const ROUNDS = Number(options.rounds);
const PER_ROUND = Number(options["per-round"]);
const CONCURRENCY = Number(options.concurrency);
const MiB = 1024 * 1024;

const dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-bench-"));
await chmod(dataDir, 0o755);
const env = { DATA_DIR: dataDir, DATABASE_URL: "", ENCRYPTION_KEY: "" };
const app = await startAppServer(env);
const appPid = Number(/serving on .* \(pid (\d+)\)/.exec(app.output())?.[1]);
const cli = (args: string[]) =>
  execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/cli.ts", ...args], { env: { ...process.env, ...env }, encoding: "utf8" }).trimEnd().split("\n").at(-1)!;
const secret = cli(["source", "add", "--kind", "maskit", "--slug", "bench", "--generate"]);
const ceiling = await startCeiling(secret);

try {
  const photo = await makeJpeg(1920, 1080, { quality: 76 });
  console.log(`image: 1920x1080 JPEG, ${(photo.length / 1024).toFixed(0)} KB; ${ROUNDS} rounds of ${PER_ROUND} at concurrency ${CONCURRENCY}`);
  let serial = 0;
  const batch = (count: number, image = photo) => Array.from({ length: count }, () => signedRequest(image, `bench ${serial++}`));

  await runLoad(app.port, batch(200), CONCURRENCY); // warm-up: JIT, connection pool, page cache
  await runLoad(ceiling.port, batch(200), CONCURRENCY);
  const appRounds: LoadResult[] = [];
  const ceilingRounds: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    appRounds.push(await runLoad(app.port, batch(PER_ROUND), CONCURRENCY));
    ceilingRounds.push(await runLoad(ceiling.port, batch(PER_ROUND), CONCURRENCY));
    console.log(`round ${round + 1}: webhook-inbox ${appRounds.at(-1)!.perSecond.toFixed(0)}/s, ceiling ${ceilingRounds.at(-1)!.perSecond.toFixed(0)}/s`);
  }
  const summary = (rounds: LoadResult[]) => ({
    perSecond: median(rounds.map((r) => r.perSecond)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    statuses: rounds.reduce<Record<number, number>>((all, r) => {
      for (const [status, n] of Object.entries(r.statuses)) all[Number(status)] = (all[Number(status)] ?? 0) + n;
      return all;
    }, {}),
  });
  const inbox = summary(appRounds);
  const bare = summary(ceilingRounds);

  const idleRss = treeRssBytes(appPid);
  const big = await makeJpeg(4000, 3000, { quality: 100, noise: 255, seed: 3 });
  const padded = Buffer.concat([big, Buffer.alloc(Math.max(0, 25 * MiB - big.length))]); // JPEG readers ignore bytes after EOI
  const uploads = Array.from({ length: 16 }, (_, i) => signedRequest(padded, `large ${i}`));
  const sampler = samplePeakRss(appPid);
  const large = await runLoad(app.port, uploads, 16);
  const peakRss = sampler.stop();

  const results = {
    machine: `${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, ${os.cpus()[0]?.model ?? "unknown CPU"}`,
    imageKB: Math.round(photo.length / 1024),
    concurrency: CONCURRENCY,
    webhookInbox: inbox,
    ceiling: bare,
    ratioToCeiling: inbox.perSecond / bare.perSecond,
    largeUploads: { count: 16, bytesEach: padded.length, statuses: large.statuses, seconds: large.seconds, idleRssMB: idleRss / MiB, peakRssMB: peakRss / MiB },
  };
  console.log("\n| receiver | deliveries/s | p50 ms | p99 ms |\n|---|---|---|---|");
  console.log(`| webhook-inbox (npm start, commit before 200) | ${inbox.perSecond.toFixed(0)} | ${inbox.p50.toFixed(1)} | ${inbox.p99.toFixed(1)} |`);
  console.log(`| ceiling: bare node:http, HMAC only | ${bare.perSecond.toFixed(0)} | ${bare.p50.toFixed(1)} | ${bare.p99.toFixed(1)} |`);
  console.log(`\nwebhook-inbox / ceiling: ${results.ratioToCeiling.toFixed(2)}; statuses ${JSON.stringify(inbox.statuses)}`);
  console.log(`16 x 25 MB at once: statuses ${JSON.stringify(large.statuses)} in ${large.seconds.toFixed(1)} s; app server RSS idle ${results.largeUploads.idleRssMB.toFixed(0)} MB, peak ${results.largeUploads.peakRssMB.toFixed(0)} MB`);
  await mkdir("bench/results", { recursive: true });
  await writeFile(`bench/results/ingest-maskit-${new Date().toISOString().replace(/[:.]/g, "-")}.json`, JSON.stringify(results, null, 2));
} finally {
  ceiling.stop();
  await app.stop();
  await rm(dataDir, { recursive: true, force: true });
}

function signedRequest(image: Buffer, metadata: string): PreparedRequest {
  const { body, contentType } = maskitBody(image, metadata);
  return { path: "/api/webhooks/bench", body, headers: { "content-type": contentType, "x-signature": createHmac("sha256", secret).update(body).digest("hex") } };
}

async function startCeiling(benchSecret: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "bench/peers/ceiling-receiver.ts"], {
    env: { ...process.env, PORT: String(port), BENCH_SECRET: benchSecret },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve) => child.stdout!.once("data", resolve));
  return { port, stop: () => child.kill("SIGTERM") };
}
