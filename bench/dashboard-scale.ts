// The dashboard at millions of deliveries (issue 16). Seeds COUNT deliveries set-based
// (bench/lib/seed-scale.ts), then measures on the built app, medians and p95 of 20 requests
// after two warm-ups: the log API and page (first page, 90% deep, each filter, searches), the
// gallery API and page, the overview and sources pages, one delivery's inspector; a CSV export
// of a whole day (time, the app server's peak RSS); a retention purge of the oldest 10%
// (time, and the longest a receiver request waited meanwhile); ingest at c16 on this database
// against a fresh empty one, in the same run. EXPLAIN (ANALYZE, BUFFERS) of every query the
// data functions send goes to bench/results/dashboard-scale-<count>-plans.txt.
// Usage: npx tsx bench/dashboard-scale.ts [--count 1000000] [--label NAME] [--skip-ingest] [--seed-dir DIR]
// --unpaced runs the purge's batches back to back (as before they were paced), to compare.
// --pg name=value,... sets server parameters of the copied installation (with --seed-dir), to try them.
// --only requests,plans,export,purge,ingest runs only those parts (all by default).
// --seed-dir keeps the seeded installation in DIR (a 5M seed takes half an hour here) and, when
// DIR already holds one of that size, starts from a copy of it instead of seeding again.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createHash, createHmac } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { maskitBody } from "../lib/senders/multipart-body.ts";
import { startAppServer, type AppServer } from "../test/helpers/app-server.ts";
import { makeJpeg } from "../test/helpers/images.ts";
import { captureQueries, explainQueries } from "./lib/capture-queries.ts";
import { median, percentile, runLoad, type PreparedRequest } from "./lib/load.ts";
import { nodeRssBytes } from "./lib/node-rss.ts";
import { sampleReceiverWaits } from "./lib/receiver-waits.ts";
import { sampleWaitEvents } from "./lib/wait-events.ts";
import { seedScale } from "./lib/seed-scale.ts";

const argument = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const COUNT = process.argv.includes("--count") ? Number(argument("--count")) : 1_000_000;
/** Names the results files apart, e.g. `--label before` for a run on the code before a change. */
const PARTS = process.argv.includes("--only") ? argument("--only").split(",") : ["requests", "plans", "export", "purge", "ingest"];
const LABEL = process.argv.includes("--label") ? `-${argument("--label")}` : "";
const workDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-scale-bench-"));
await chmod(workDir, 0o755);
// The app's own periodic jobs (retention, the orphan sweep) run 30 s after start, then daily.
const quietJobs = { RETENTION_INTERVAL_SECONDS: "86400", BLOB_SWEEP_INTERVAL_SECONDS: "86400" };
const envA = { DATA_DIR: path.join(workDir, "a"), DATABASE_URL: "", ENCRYPTION_KEY: "", ...quietJobs };
await mkdir(envA.DATA_DIR, { recursive: true });
await chmod(envA.DATA_DIR, 0o755);
const cli = (env: Record<string, string>, args: string[], input = "") =>
  execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/cli.ts", ...args], { input, env: { ...process.env, ...env }, encoding: "utf8" })
    .trimEnd()
    .split("\n")
    .at(-1)!;
const SEED_DIR = process.argv.includes("--seed-dir") ? path.resolve(argument("--seed-dir")) : null;
const seedInfoFile = SEED_DIR && path.join(SEED_DIR, "bench-seed.json");
const kept =
  seedInfoFile && existsSync(seedInfoFile) ? (JSON.parse(await readFile(seedInfoFile, "utf8")) as { count: number; secret: string; token: string }) : null;
if (kept && kept.count !== COUNT) throw new Error(`${SEED_DIR} holds a seed of ${kept.count} deliveries, not ${COUNT}`);
// cp -a: the cluster's files belong to the postgres user, and must stay so.
const copyTree = (from: string, to: string) => execFileSync("cp", ["-a", `${from}/.`, to]);
if (kept) copyTree(path.join(SEED_DIR!, "data"), envA.DATA_DIR);
// --pg: into the copy's postgresql.auto.conf before it starts, so that restart-only ones (shared_buffers) apply too.
if (kept && process.argv.includes("--pg")) {
  const lines = argument("--pg")
    .split(",")
    .map((setting) => setting.split("="))
    .map(([name, value]) => `${name} = '${value}'\n`);
  await writeFile(path.join(envA.DATA_DIR, "postgres", "postgresql.auto.conf"), lines.join(""), { flag: "a" });
}
const secret = kept?.secret ?? cli(envA, ["source", "add", "--kind", "maskit", "--slug", "bench", "--generate"]);
const token = kept?.token ?? cli(envA, ["token", "create", "--name", "bench", "--role", "viewer"]);
if (!kept) cli(envA, ["user", "add", "--email", "bench@example.com", "--role", "viewer"], "a long enough password\n");
let app: AppServer = await startAppServer(envA);
let appStartedAt = performance.now();
const clusterUrl = () => {
  const { port, password } = JSON.parse(execFileSync("cat", [path.join(envA.DATA_DIR, "postgres.json")], { encoding: "utf8" }));
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/webhook_inbox`;
};
Object.assign(process.env, { DATA_DIR: envA.DATA_DIR, ENCRYPTION_KEY: "" });
const { useDatabaseUrl } = await import("../lib/config.ts");
useDatabaseUrl(clusterUrl());
let db = new pg.Client({ connectionString: clusterUrl() });
await db.connect();
const report: string[] = [];
const say = (line: string) => {
  console.log(line);
  report.push(line);
};

try {
  say(
    `# Dashboard at ${COUNT.toLocaleString("en")} deliveries (${new Date().toISOString()}, load average ${os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")})`,
  );
  if (process.argv.includes("--pg")) say(`server parameters set: ${argument("--pg")}`);
  if (kept) say(`started from the installation seeded in ${SEED_DIR}`);
  else {
    const shared = await putSharedBlobs();
    const started = performance.now();
    await seedScale(db, { count: COUNT, sharedImageBlobs: shared.images, sharedQuarantineBlob: shared.quarantine });
    say(
      `seeded ${COUNT.toLocaleString("en")} deliveries (with images, blob rows, quarantined bodies, dedupe keys) and VACUUM ANALYZE in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    if (SEED_DIR) await keepSeed();
  }
  const {
    rows: [size],
  } = await db.query("SELECT pg_size_pretty(pg_database_size(current_database())) AS db, pg_size_pretty(pg_total_relation_size('deliveries')) AS deliveries");
  say(`database ${size.db}, deliveries with indexes ${size.deliveries}`);

  const session = await signIn();
  const bearer = { authorization: `Bearer ${token}` };
  const cookie = { cookie: session };
  const deep = await logCursorAt(Math.floor(COUNT * 0.9));
  const deepGallery = await galleryCursorAt(Math.floor(COUNT * 0.9 * 0.9));
  const sample = await sampleValues();
  const requests: Array<[string, string, Record<string, string>]> = [
    ["log API, first page (50)", "/api/deliveries?limit=50", bearer],
    ["log API, page 90% deep", `/api/deliveries?limit=50&cursor=${deep}`, bearer],
    ["log API, status=failed", "/api/deliveries?limit=50&status=failed", bearer],
    ["log API, status=rejected, 90% deep", `/api/deliveries?limit=50&status=rejected&cursor=${deep}`, bearer],
    ["log API, source=scale-07", "/api/deliveries?limit=50&source=scale-07", bearer],
    ["log API, one day (from=to)", `/api/deliveries?limit=50&from=${sample.day}&to=${sample.day}`, bearer],
    ["log API, source + status + day", `/api/deliveries?limit=50&source=scale-03&status=failed&from=${sample.day}&to=${sample.day}`, bearer],
    ["log API, search metadata frame-4242", "/api/deliveries?limit=50&q=frame-4242", bearer],
    ["log API, search batch id", `/api/deliveries?limit=50&q=${sample.batch}`, bearer],
    ["log API, search file name", `/api/deliveries?limit=50&q=${sample.fileName}`, bearer],
    ["log API, search Eden AI job id", `/api/deliveries?limit=50&q=${sample.jobId}`, bearer],
    ["log API, search delivery id", `/api/deliveries?limit=50&q=${sample.deliveryId}`, bearer],
    ["log API, search with no match", "/api/deliveries?limit=50&q=no-such-frame", bearer],
    ["log page, first page", "/deliveries", cookie],
    ["log page, 90% deep", `/deliveries?cursor=${deep}`, cookie],
    ["log page, search metadata", "/deliveries?q=frame-4242", cookie],
    ["gallery API, first page (60)", "/api/gallery?limit=60", bearer],
    ["gallery API, 90% deep", `/api/gallery?limit=60&cursor=${deepGallery}`, bearer],
    ["gallery API, search batch id", `/api/gallery?limit=60&q=${sample.batch}`, bearer],
    ["gallery API, source=scale-07", "/api/gallery?limit=60&source=scale-07", bearer],
    ["gallery page, first page", "/gallery", cookie],
    ["gallery page, 90% deep", `/gallery?cursor=${deepGallery}`, cookie],
    ["overview page", "/overview", cookie],
    ["sources page", "/sources", cookie],
    ["delivery API (one)", `/api/deliveries/${sample.deliveryId}`, bearer],
    ["inspector page, failed delivery", `/deliveries/${sample.failedId}`, cookie],
  ];
  if (PARTS.includes("requests")) say("\n| request | median ms | p95 ms | status |\n|---|---|---|---|");
  for (const [label, url, headers] of PARTS.includes("requests") ? requests : []) {
    const samples: number[] = [];
    let status = 0;
    for (let i = 0; i < 22; i++) {
      const sent = performance.now();
      const response = await fetch(`${app.baseUrl}${url}`, { headers, redirect: "manual" });
      await response.arrayBuffer();
      status = response.status;
      if (i >= 2) samples.push(performance.now() - sent);
    }
    samples.sort((a, b) => a - b);
    say(`| ${label} | ${median(samples).toFixed(1)} | ${percentile(samples, 0.95).toFixed(1)} | ${status} |`);
  }

  if (PARTS.includes("plans")) await writePlans(sample, deep, deepGallery);
  if (PARTS.includes("export")) await measureExport(sample.day);
  if (PARTS.includes("purge")) await measurePurge();
  if (PARTS.includes("ingest") && !process.argv.includes("--skip-ingest")) await measureIngest();
} finally {
  await mkdir(path.join("bench", "results"), { recursive: true }); // not in a fresh clone
  await writeFile(path.join("bench", "results", `dashboard-scale-${COUNT}${LABEL}.md`), `${report.join("\n")}\n`);
  await db.end();
  await app.stop();
  await rm(workDir, { recursive: true, force: true });
}

/** Copies the stopped installation to SEED_DIR for later runs, then starts it again. */
async function keepSeed() {
  await db.end();
  await app.stop();
  await rm(SEED_DIR!, { recursive: true, force: true });
  await mkdir(path.join(SEED_DIR!, "data"), { recursive: true });
  copyTree(envA.DATA_DIR, path.join(SEED_DIR!, "data"));
  await writeFile(seedInfoFile!, JSON.stringify({ count: COUNT, secret, token }));
  app = await startAppServer(envA);
  appStartedAt = performance.now();
  useDatabaseUrl(clusterUrl());
  db = new pg.Client({ connectionString: clusterUrl() });
  await db.connect();
  say(`kept the seeded installation in ${SEED_DIR}`);
}

/** A few small byte strings in the app's blob store that the seeded blob rows share. */
async function putSharedBlobs(): Promise<{ images: string[]; quarantine: string }> {
  const { createFilesystemStore } = await import("../lib/storage/filesystem-store.ts");
  const { bufferBody } = await import("../lib/storage/blob-store.ts");
  const store = createFilesystemStore({ directory: path.join(envA.DATA_DIR, "blobs") });
  const bodies = [...(await Promise.all([1, 2, 3, 4].map((seed) => makeJpeg(320, 240, { seed, noise: 20 })))), Buffer.from("not signed, kept in quarantine")];
  const sha256s = bodies.map((body) => createHash("sha256").update(body).digest("hex"));
  await store.put(bodies.map((body, index) => ({ sha256: sha256s[index], body: bufferBody(body) })));
  await store.close();
  return { images: sha256s.slice(0, 4), quarantine: sha256s[4] };
}

async function sampleValues() {
  const pick = async (sql: string) => (await db.query(sql)).rows[0];
  const maskit = await pick(
    `SELECT id, metadata, file_name FROM deliveries WHERE metadata IS NOT NULL ORDER BY received_at DESC OFFSET ${Math.floor(COUNT / 3)} LIMIT 1`,
  );
  const eden = await pick(`SELECT job_id FROM deliveries WHERE job_id IS NOT NULL ORDER BY received_at DESC OFFSET ${Math.floor(COUNT / 10)} LIMIT 1`);
  const failed = await pick(`SELECT id FROM deliveries WHERE status = 'failed' ORDER BY received_at DESC OFFSET 1000 LIMIT 1`);
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  return {
    deliveryId: maskit.id as string,
    batch: (maskit.metadata as string).split("/")[0],
    fileName: maskit.file_name as string,
    jobId: eden.job_id as string,
    failedId: failed.id as string,
    day,
  };
}

async function logCursorAt(rowNumber: number): Promise<string> {
  const {
    rows: [row],
  } = await db.query("SELECT received_at, id FROM deliveries ORDER BY received_at DESC, id DESC OFFSET $1 LIMIT 1", [rowNumber]);
  return Buffer.from(`${row.received_at.toISOString()}|${row.id}`).toString("base64url");
}

/** The gallery's cursor is (received_at, delivery id, position) of the last tile: one that far down. */
async function galleryCursorAt(verifiedRow: number): Promise<string> {
  const {
    rows: [row],
  } = await db.query("SELECT received_at, id FROM deliveries WHERE status = 'verified' ORDER BY received_at DESC, id DESC OFFSET $1 LIMIT 1", [verifiedRow]);
  return Buffer.from(`${row.received_at.toISOString()}|${row.id}|0`).toString("base64url");
}

async function writePlans(sample: Awaited<ReturnType<typeof sampleValues>>, deep: string, deepGallery: string) {
  const { listDeliveries, listDeliveriesQuery } = await import("../lib/deliveries/list-deliveries.ts");
  const { listGalleryImages } = await import("../lib/gallery/list-gallery-images.ts");
  const { galleryQuery } = await import("../lib/gallery/gallery-query.ts");
  const { getOverview } = await import("../lib/overview/get-overview.ts");
  const cases: Array<[string, () => Promise<unknown>]> = [
    ["log, first page", () => listDeliveries(listDeliveriesQuery.parse({}))],
    ["log, 90% deep", () => listDeliveries(listDeliveriesQuery.parse({ cursor: deep }))],
    ["log, status=failed", () => listDeliveries(listDeliveriesQuery.parse({ status: "failed" }))],
    ["log, source + status + day", () => listDeliveries(listDeliveriesQuery.parse({ source: "scale-03", status: "failed", from: sample.day, to: sample.day }))],
    ["log, search metadata", () => listDeliveries(listDeliveriesQuery.parse({ q: "frame-4242" }))],
    ["log, search job id", () => listDeliveries(listDeliveriesQuery.parse({ q: sample.jobId }))],
    ["log, search delivery id", () => listDeliveries(listDeliveriesQuery.parse({ q: sample.deliveryId }))],
    ["gallery, first page", () => listGalleryImages(galleryQuery.parse({}))],
    ["gallery, 90% deep", () => listGalleryImages(galleryQuery.parse({ cursor: deepGallery }))],
    ["gallery, search batch id", () => listGalleryImages(galleryQuery.parse({ q: sample.batch }))],
    ["overview", () => getOverview()],
  ];
  const out: string[] = [];
  for (const [label, run] of cases) {
    await run(); // warm
    out.push(`## ${label}\n\n${(await explainQueries(db, await captureQueries(run))).join("\n\n")}\n`);
  }
  const { closeDatabase } = await import("../lib/db.ts");
  await closeDatabase();
  await writeFile(path.join("bench", "results", `dashboard-scale-${COUNT}${LABEL}-plans.txt`), out.join("\n"));
  say(`\nquery plans: bench/results/dashboard-scale-${COUNT}${LABEL}-plans.txt`);
}

async function measureExport(day: string) {
  const before = nodeRssBytes(app.pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, nodeRssBytes(app.pid))), 50);
  const sent = performance.now();
  const response = await fetch(`${app.baseUrl}/api/deliveries/export?from=${day}&to=${day}`, { headers: { authorization: `Bearer ${token}` } });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body!) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  clearInterval(timer);
  say(
    `\nCSV export of one day (${(lines - 1).toLocaleString("en")} rows, ${(bytes / 1e6).toFixed(1)} MB): ${((performance.now() - sent) / 1000).toFixed(1)} s, app server RSS ${(before / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB`,
  );
}

async function measurePurge() {
  const { runRetentionPurge } = await import("../lib/retention/run-retention-purge.ts");
  const {
    rows: [edge],
  } = await db.query("SELECT received_at FROM deliveries ORDER BY received_at DESC OFFSET $1 LIMIT 1", [Math.floor(COUNT * 0.9)]);
  // Retention is in whole days: a `now` one day after the 90% point makes the oldest 10% expire.
  const now = new Date(edge.received_at.getTime() + 86_400_000);
  // Past the app's first runs of its own jobs (30 s after start), which would overlap otherwise.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, appStartedAt + 40_000 - performance.now())));
  const waits = sampleReceiverWaits(app.port, secret, 4);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  waits.mark(); // warm-up
  await new Promise((resolve) => setTimeout(resolve, 20_000));
  const quiet = waits.mark();
  const sampler = new pg.Client({ connectionString: clusterUrl() });
  await sampler.connect();
  const waitEvents = sampleWaitEvents(sampler);
  // Names the purge's own connections in pg_stat_activity and the log (node-postgres reads PGAPPNAME).
  process.env.PGAPPNAME = "purge";
  const serverState = async () =>
    (
      await db.query<{ lsn: string; checkpoints: string }>(
        "SELECT pg_current_wal_lsn()::text AS lsn, (SELECT num_timed + num_requested FROM pg_stat_checkpointer)::text AS checkpoints",
      )
    ).rows[0];
  const before = await serverState();
  const sent = performance.now();
  // --unpaced: batches back to back, 100 at a time, as the purge ran before pacing (for comparison).
  const unpaced = process.argv.includes("--unpaced") ? { batchSize: 100, pacing: { restRatio: 0, maxRestMs: 0 } } : {};
  const result = await runRetentionPurge({ now, retention: { quarantineDays: 1, imageDays: 1 }, ...unpaced });
  const seconds = (performance.now() - sent) / 1000;
  const during = waits.mark();
  const after = await serverState();
  const {
    rows: [{ wal }],
  } = await db.query<{ wal: string }>("SELECT pg_size_pretty(pg_wal_lsn_diff($1, $2)) AS wal", [after.lsn, before.lsn]);
  const { top: seen, slow } = await waitEvents.stop();
  await sampler.end();
  await waits.stop();
  const { closeDatabase } = await import("../lib/db.ts");
  await closeDatabase();
  if (result.status !== "done") throw new Error("the purge was busy");
  say(
    `\nretention purge of the oldest 10%: ${result.images.images.toLocaleString("en")} images (${result.images.deliveries.toLocaleString("en")} deliveries) and ${result.quarantine.bodies.toLocaleString("en")} quarantined bodies in ${seconds.toFixed(1)} s`,
  );
  const figures = (w: typeof quiet) =>
    `${w.count} deliveries, p50 ${w.p50.toFixed(1)} ms, p99 ${w.p99.toFixed(1)} ms, max ${w.max.toFixed(1)} ms, ${w.over100} over 100 ms`;
  say(`WAL written during the purge: ${wal}; checkpoints meanwhile: ${Number(after.checkpoints) - Number(before.checkpoints)}`);
  say(`receivers at c4 during the purge: ${figures(during)}; in the 20 s before it: ${figures(quiet)}; statuses ${JSON.stringify(during.statuses)}`);
  say(`\nwhat active backends waited on during the purge (samples every 10 ms):\n\n| samples | wait | statement |\n|---|---|---|`);
  for (const { samples, wait, statement } of seen) say(`| ${samples} | ${wait} | \`${statement.replaceAll("|", "\\|")}\` |`);
  say(`\nstatements of other connections seen running over 50 ms, and what they waited on then:\n\n| ms | waits | statement |\n|---|---|---|`);
  for (const { ms, waits: seenWaits, statement } of slow) say(`| ${ms.toFixed(0)} | ${seenWaits.join(", ")} | \`${statement.replaceAll("|", "\\|")}\` |`);
}

async function measureIngest() {
  const envE = { DATA_DIR: path.join(workDir, "empty"), DATABASE_URL: "", ENCRYPTION_KEY: "", ...quietJobs };
  await mkdir(envE.DATA_DIR, { recursive: true });
  await chmod(envE.DATA_DIR, 0o755);
  cli(envE, ["source", "add", "--kind", "maskit", "--slug", "bench", "--secret-stdin"], `${secret}\n`);
  const empty = await startAppServer(envE);
  try {
    const image = await makeJpeg(640, 480);
    const prepare = (tag: string): PreparedRequest[] =>
      Array.from({ length: 1500 }, (_, i) => {
        const { body, contentType } = maskitBody(image, `ingest ${tag} ${i}`);
        return {
          path: "/api/webhooks/bench",
          body,
          headers: { "content-type": contentType, "x-signature": createHmac("sha256", secret).update(body).digest("hex") },
        };
      });
    // The same empty database with the hourly-count triggers switched off, for their cost.
    const { port: emptyPort, password: emptyPassword } = JSON.parse(execFileSync("cat", [path.join(envE.DATA_DIR, "postgres.json")], { encoding: "utf8" }));
    const emptyDb = new pg.Client({ connectionString: `postgresql://postgres:${encodeURIComponent(emptyPassword)}@127.0.0.1:${emptyPort}/webhook_inbox` });
    await emptyDb.connect();
    const setCounting = (isOn: boolean) => emptyDb.query(`ALTER TABLE deliveries ${isOn ? "ENABLE" : "DISABLE"} TRIGGER USER`);
    say("\n| ingest at c16, 1,500 deliveries | deliveries/s | p50 ms | p99 ms | statuses |\n|---|---|---|---|---|");
    for (const round of [1, 2, 3]) {
      const targets = [
        ["empty database", empty, true],
        ["empty database, hourly-count triggers off", empty, false],
        [`${COUNT.toLocaleString("en")} deliveries`, app, true],
      ] as const;
      for (const [label, target, isCounting] of targets) {
        if (target === empty) await setCounting(isCounting);
        await runLoad(target.port, prepare(`warm ${round} ${label}`).slice(0, 100), 16);
        const result = await runLoad(target.port, prepare(`${round} ${label}`), 16);
        say(
          `| ${label} (round ${round}) | ${result.perSecond.toFixed(0)} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ${JSON.stringify(result.statuses)} |`,
        );
      }
    }
    await setCounting(true);
    await emptyDb.end();
  } finally {
    await empty.stop();
  }
}

async function signIn(): Promise<string> {
  const { createSession } = await import("../lib/auth/sessions.ts");
  const { rows } = await db.query<{ id: string }>("SELECT id FROM users WHERE email = 'bench@example.com'");
  const { closeDatabase } = await import("../lib/db.ts");
  const cookie = `webhook_inbox_session=${(await createSession(rows[0].id)).token}`;
  await closeDatabase();
  return cookie;
}
