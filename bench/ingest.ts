// Ingest benchmark: the same load against every receiver below, in one run on one machine.
//   reference      — the receiver in MaskIt's docs (bench/peers/reference-receiver.ts): Express,
//                    express.raw, HMAC, multer, writeFileSync; no database, no fsync
//   ceiling        — bare node:http that only hashes and verifies (bench/peers/ceiling-receiver.ts)
//   durable-floor  — the ceiling's work plus the body written to a file durably (temporary file,
//                    fdatasync, rename to its SHA-256, fsync of the folder) and one small row
//                    committed before the 200 (bench/peers/durable-floor.ts): the most any
//                    receiver that keeps files and a database row, crash-safe, can do here
//   postgres-floor — the ceiling's work plus one INSERT of the whole body committed before the
//                    200 (bench/peers/postgres-floor.ts): the floor for bytes kept in PostgreSQL
//   webhook-inbox/filesystem, /postgres, /s3 — started as `npm start` does, once per BLOB_STORE,
//                    each with a DATA_DIR and embedded PostgreSQL of its own; /s3 against the
//                    local S3-compatible server of the tests (s3rver, in a process of its own)
//   next-floor     — only with --only: the ceiling's work inside a Next.js route handler
//                    (bench/peers/next-floor), why the receiver runs on node:http in front of Next
// The floors' PostgreSQL is an embedded cluster of their own, started by webhook-inbox's code.
// Load: unique signed deliveries, each a different image, as a masking service sends them (a
// 1920x1080 JPEG of ~170 KB with a distinct trailer after its end-of-image marker, so every
// delivery stores new image bytes and needs a thumbnail), at concurrency 1, 16 and 64,
// in interleaved rounds (the order of receivers rotates), each load started once the machine has
// settled from the one before, medians of the rounds. Measured per load, from /proc: CPU per
// delivery of the receiving process tree and of its PostgreSQL cluster (postmaster and
// backends), during the load and after it until the target is idle again (deferred thumbnails,
// WAL writing); peak RSS of the receiving process (for webhook-inbox its app server, the pid
// scripts/start.ts prints, without PostgreSQL); and the CPU every other target used meanwhile,
// which should be none. Then 16 clients each upload 25 MB at once to each receiver.
// Usage: npm run bench [-- [--rounds 3] [--only reference,durable-floor,webhook-inbox] [--concurrency 16] [--skip-large] [--baseline DIR[,DIR]]]
//        (--baseline DIR: also each selected webhook-inbox variant from the checkout in each DIR, e.g. a
//        worktree of an earlier commit with its npm install done, to compare two commits in one run)
//        (`webhook-inbox` in --only stands for its three variants; results in bench/results/)
import { createHmac, randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { maskitBody } from "../lib/senders/multipart-body.ts";
import { makeJpeg } from "../test/helpers/images.ts";
import { printLargeTable, printLoadTable, summarize, type Row } from "./lib/ingest-report.ts";
import { closeIdleConnections, runLoad, type PreparedRequest } from "./lib/load.ts";
import { measureLoad, type Measured } from "./lib/measure.ts";
import { startFloorCluster, startNextFloor, startPeer, startS3Server, startWebhookInbox, type Target } from "./lib/targets.ts";

const DEFAULT_TARGETS = ["reference", "ceiling", "durable-floor", "postgres-floor", "webhook-inbox/filesystem", "webhook-inbox/postgres", "webhook-inbox/s3"];
const KNOWN_TARGETS = [...DEFAULT_TARGETS, "next-floor"];
const { values: options } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    only: { type: "string" },
    concurrency: { type: "string" },
    "skip-large": { type: "boolean", default: false },
    baseline: { type: "string" },
  },
});
const ROUNDS = Number(options.rounds);
const selected = options.only ? selection(options.only) : DEFAULT_TARGETS;
const ALL_LOADS = [
  { concurrency: 1, count: 150 },
  { concurrency: 16, count: 600 },
  { concurrency: 64, count: 800 },
];
const LOAD = options.concurrency ? ALL_LOADS.filter((load) => options.concurrency!.split(",").map(Number).includes(load.concurrency)) : ALL_LOADS;
const MiB = 1024 * 1024;

const workDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-bench-"));
await chmod(workDir, 0o755);
const secret = `whsec_${randomBytes(32).toString("base64url")}`;
const targets: Target[] = [];
const stops: (() => Promise<void>)[] = [];

try {
  await startTargets();
  const photo = await makeJpeg(1920, 1080, { quality: 76 });
  console.log(
    `image: 1920x1080 JPEG of ${(photo.length / 1024).toFixed(0)} KB; ${ROUNDS} rounds; ${os.cpus().length} cores; ${targets.map((t) => t.name).join(", ")}`,
  );
  let serial = 0;
  const batch = (target: Target, count: number) =>
    Array.from({ length: count }, () => signedRequest(target.path, distinct(photo, serial), `bench ${serial++}`));
  for (const target of targets) await runLoad(target.port, batch(target, 200), 16); // warm-up

  const results = new Map<string, Measured[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const { concurrency, count } of LOAD) {
      const order = targets.map((_, index) => targets[(index + round) % targets.length]);
      for (const target of order) {
        const measured = await measureLoad(target, batch(target, count), concurrency, targets);
        const key = `${target.name}@${concurrency}`;
        results.set(key, [...(results.get(key) ?? []), measured]);
      }
    }
    console.log(`round ${round + 1} of ${ROUNDS} done`);
  }

  const summary: Record<string, unknown> = {};
  for (const { concurrency } of LOAD) {
    const rows: Row[] = targets.map((target) => summarize(target.name, results.get(`${target.name}@${concurrency}`)!));
    printLoadTable(concurrency, rows);
    summary[`concurrency${concurrency}`] = rows;
  }

  if (!options["skip-large"]) summary.large = await measureLargeUploads(serial);
  await mkdir("bench/results", { recursive: true });
  await writeFile(
    `bench/results/ingest-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
    JSON.stringify({ imageBytes: photo.length, rounds: ROUNDS, targets: targets.map((t) => t.name), ...summary }, null, 2),
  );
} finally {
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(`while stopping: ${String(error)}`));
  await rm(workDir, { recursive: true, force: true });
}

/** 16 clients uploading 25 MB each at once, to each target in turn: peak RSS. */
async function measureLargeUploads(firstSerial: number): Promise<Row[]> {
  let serial = firstSerial;
  const big = await makeJpeg(4000, 3000, { quality: 100, noise: 255, seed: 3 });
  const padded = Buffer.concat([big, Buffer.alloc(Math.max(0, 25 * MiB - big.length))]); // JPEG readers ignore bytes after EOI
  const large: Row[] = [];
  for (const target of targets) {
    const uploads = Array.from({ length: 16 }, (_, i) => signedRequest(target.path, distinct(padded, serial++), `large ${i}`));
    closeIdleConnections();
    large.push(summarize(target.name, [await measureLoad(target, uploads, 16, targets)]));
  }
  printLargeTable(large);
  return large;
}

/** Starts the selected targets one after the other (webhook-inbox builds the app first if needed). */
async function startTargets(): Promise<void> {
  const add = (target: Target) => {
    targets.push(target);
    stops.push(() => target.stop());
  };
  const peerEnv = { BENCH_SECRET: secret };
  if (selected.includes("reference"))
    add(await startPeer("reference", "bench/peers/reference-receiver.ts", "/webhook", { ...peerEnv, OUTPUT_DIR: path.join(workDir, "receivedimages") }));
  if (selected.includes("ceiling")) add(await startPeer("ceiling", "bench/peers/ceiling-receiver.ts", "/", peerEnv));
  if (selected.includes("durable-floor") || selected.includes("postgres-floor")) {
    const cluster = await startFloorCluster(path.join(workDir, "floors"));
    stops.push(() => cluster.stop());
    const { urls, postmasterPid } = cluster;
    if (selected.includes("durable-floor"))
      add(
        await startPeer(
          "durable-floor",
          "bench/peers/durable-floor.ts",
          "/",
          { ...peerEnv, DATABASE_URL: urls.durable_floor, OUTPUT_DIR: path.join(workDir, "durable-floor") },
          postmasterPid,
        ),
      );
    if (selected.includes("postgres-floor"))
      add(await startPeer("postgres-floor", "bench/peers/postgres-floor.ts", "/", { ...peerEnv, DATABASE_URL: urls.postgres_floor }, postmasterPid));
  }
  for (const store of ["filesystem", "postgres", "s3"] as const) {
    if (!selected.includes(`webhook-inbox/${store}`)) continue;
    const s3 = store === "s3" ? await startS3Server() : undefined;
    if (s3) stops.push(() => s3.stop());
    add(await startWebhookInbox(store, path.join(workDir, `webhook-inbox-${store}`), secret, s3?.env, s3?.pid));
    // The same receiver from another checkout (an earlier commit), under the same load in the same run.
    for (const dir of options.baseline?.split(",") ?? []) {
      const checkout = { dir: path.resolve(dir), label: path.basename(dir) };
      add(await startWebhookInbox(store, path.join(workDir, `webhook-inbox-${checkout.label}-${store}`), secret, s3?.env, s3?.pid, checkout));
    }
  }
  if (selected.includes("next-floor")) add(await startNextFloor(secret));
}

function selection(only: string): string[] {
  const names = only
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const expanded = names.flatMap((name) => (name === "webhook-inbox" ? KNOWN_TARGETS.filter((known) => known.startsWith("webhook-inbox/")) : [name]));
  const unknown = expanded.filter((name) => !KNOWN_TARGETS.includes(name));
  if (unknown.length) throw new Error(`--only: unknown ${unknown.join(", ")} (known: ${KNOWN_TARGETS.join(", ")}, webhook-inbox)`);
  return expanded;
}

function signedRequest(requestPath: string, image: Buffer, metadata: string): PreparedRequest {
  const { body, contentType } = maskitBody(image, metadata);
  return { path: requestPath, body, headers: { "content-type": contentType, "x-signature": createHmac("sha256", secret).update(body).digest("hex") } };
}

/** The same picture as other bytes: JPEG readers stop at the end-of-image marker. */
function distinct(image: Buffer, serial: number): Buffer {
  return Buffer.concat([image, Buffer.from(`\0bench-${process.pid}-${serial}`)]);
}
