// Dashboard figures (issue "Dashboard"):
//   1. With 100,000 deliveries seeded: server time for the first and a deep page of the
//      delivery log (GET /api/deliveries) and the gallery (GET /api/gallery), and of the log and
//      gallery pages, medians of 20,
//      and the query plans of the underlying queries (do they use indexes?).
//   2. Live latency: POST to instance A until the event arrives on a stream from instance B,
//      p50/p95 over 40 deliveries.
// Usage: npx tsx bench/dashboard.ts
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { maskitBody } from "../lib/senders/multipart-body.ts";
import { startAppServer } from "../test/helpers/app-server.ts";
import { openEventStream } from "../test/helpers/event-stream.ts";
import { makeJpeg } from "../test/helpers/images.ts";
import { median, percentile } from "./lib/load.ts";
import { seedDeliveries } from "./lib/seed-deliveries.ts";

const COUNT = 100_000;
const workDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-dashboard-bench-"));
await chmod(workDir, 0o755);
const envA = { DATA_DIR: path.join(workDir, "a"), DATABASE_URL: "", ENCRYPTION_KEY: "" };
const cli = (args: string[], input = "") =>
  execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/cli.ts", ...args], { input, env: { ...process.env, ...envA }, encoding: "utf8" })
    .trimEnd()
    .split("\n")
    .at(-1)!;
await execFileSync("mkdir", ["-p", envA.DATA_DIR]);
await chmod(envA.DATA_DIR, 0o755);
const secret = cli(["source", "add", "--kind", "maskit", "--slug", "bench", "--generate"]);
const token = cli(["token", "create", "--name", "bench", "--role", "viewer"]);
cli(["user", "add", "--email", "bench@example.com", "--role", "viewer"], "a long enough password\n");
const appA = await startAppServer(envA);
const { port, password } = JSON.parse(execFileSync("cat", [path.join(envA.DATA_DIR, "postgres.json")], { encoding: "utf8" }));
const databaseUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/webhook_inbox`;
const appB = await startAppServer({ DATA_DIR: path.join(workDir, "b"), DATABASE_URL: databaseUrl, ENCRYPTION_KEY: "" });
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();

try {
  const { rows: sources } = await db.query<{ id: string }>("SELECT id FROM sources WHERE slug = 'bench'");
  const seeded = performance.now();
  await seedDeliveries(db, { sourceId: sources[0].id, count: COUNT, imageCount: 20_000 });
  console.log(`seeded ${COUNT} deliveries in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const session = await signIn(appA.baseUrl);
  const deep = await cursorAt(90_000);
  const deepGallery = await galleryCursorAt(16_000, token);
  const timings: Array<[string, string, Record<string, string>]> = [
    ["log API, first page (50)", "/api/deliveries?limit=50", { authorization: `Bearer ${token}` }],
    ["log API, page at row 90,000", `/api/deliveries?limit=50&cursor=${deep}`, { authorization: `Bearer ${token}` }],
    ["log API, failed only", "/api/deliveries?limit=50&status=failed", { authorization: `Bearer ${token}` }],
    ["log API, metadata search", "/api/deliveries?limit=50&q=frame-4242", { authorization: `Bearer ${token}` }],
    ["log page, first page", "/deliveries", { cookie: session }],
    ["log page, page at row 90,000", `/deliveries?cursor=${deep}`, { cookie: session }],
    ["gallery API, first page (60)", "/api/gallery?limit=60", { authorization: `Bearer ${token}` }],
    ["gallery API, page at tile 16,000", `/api/gallery?limit=60&cursor=${deepGallery}`, { authorization: `Bearer ${token}` }],
    ["gallery page, first page", "/gallery", { cookie: session }],
  ];
  console.log("\n| request | median ms | p95 ms | status |\n|---|---|---|---|");
  for (const [label, url, headers] of timings) {
    const samples: number[] = [];
    let status = 0;
    for (let i = 0; i < 22; i++) {
      const started = performance.now();
      const response = await fetch(`${appA.baseUrl}${url}`, { headers, redirect: "manual" });
      await response.arrayBuffer();
      status = response.status;
      if (i >= 2) samples.push(performance.now() - started); // two warm-up requests
    }
    console.log(
      `| ${label} | ${median(samples).toFixed(1)} | ${percentile(
        [...samples].sort((a, b) => a - b),
        0.95,
      ).toFixed(1)} | ${status} |`,
    );
  }

  console.log("\nquery plans:");
  for (const [label, sql, params] of [
    ["log, first page", `SELECT id FROM deliveries ORDER BY received_at DESC, id DESC LIMIT 51`, []],
    [
      "log, deep page",
      `SELECT id FROM deliveries WHERE (received_at < $1 OR (received_at = $1 AND id < $2)) ORDER BY received_at DESC, id DESC LIMIT 51`,
      await cursorValues(90_000),
    ],
    ["log, failed only", `SELECT id FROM deliveries WHERE status = 'failed' ORDER BY received_at DESC, id DESC LIMIT 51`, []],
  ] as const) {
    const { rows } = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`, params as unknown[]);
    const plan = rows.map((row) => row["QUERY PLAN"] as string);
    console.log(
      `- ${label}: ${plan
        .filter((line) => /Scan|Sort|Limit|Execution Time/.test(line))
        .map((line) => line.trim())
        .join(" | ")}`,
    );
  }

  const stream = openEventStream(`${appB.baseUrl}/api/events`, { authorization: `Bearer ${token}` });
  await stream.ready;
  const image = await makeJpeg(640, 480);
  const latencies: number[] = [];
  for (let i = 0; i < 40; i++) {
    const { body, contentType } = maskitBody(image, `live ${i}`);
    const started = performance.now();
    const response = await fetch(`${appA.baseUrl}/api/webhooks/bench`, {
      method: "POST",
      body: new Uint8Array(body),
      headers: { "content-type": contentType, "x-signature": createHmac("sha256", secret).update(body).digest("hex") },
    });
    const { id } = await response.json();
    await stream.waitFor((event) => JSON.parse(event.data).id === id, 5000);
    latencies.push(performance.now() - started);
  }
  stream.close();
  latencies.sort((a, b) => a - b);
  console.log(
    `\nlive latency, POST to instance A until the event arrives on a stream from instance B (40 deliveries): p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
  );
} finally {
  await db.end();
  await appB.stop();
  await appA.stop();
  await rm(workDir, { recursive: true, force: true });
}

async function cursorValues(rowNumber: number): Promise<[Date, string]> {
  const { rows } = await db.query<{ received_at: Date; id: string }>(
    "SELECT received_at, id FROM deliveries ORDER BY received_at DESC, id DESC OFFSET $1 LIMIT 1",
    [rowNumber],
  );
  return [rows[0].received_at, rows[0].id];
}

async function cursorAt(rowNumber: number): Promise<string> {
  const [receivedAt, id] = await cursorValues(rowNumber);
  return Buffer.from(`${receivedAt.toISOString()}|${id}`).toString("base64url");
}

/** The gallery's cursor after `tiles` tiles, walked page by page (its cursor is opaque). */
async function galleryCursorAt(tiles: number, bearer: string): Promise<string> {
  let cursor = "";
  for (let seen = 0; seen < tiles; seen += 200) {
    const response = await fetch(`${appA.baseUrl}/api/gallery?limit=200${cursor ? `&cursor=${cursor}` : ""}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    const page = (await response.json()) as { nextCursor: string | null };
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return cursor;
}

async function signIn(baseUrl: string): Promise<string> {
  const { createSession } = await import("../lib/auth/sessions.ts");
  const { useDatabaseUrl } = await import("../lib/config.ts");
  useDatabaseUrl(databaseUrl);
  const { rows } = await db.query<{ id: string }>("SELECT id FROM users WHERE email = 'bench@example.com'");
  void baseUrl;
  return `webhook_inbox_session=${(await createSession(rows[0].id)).token}`;
}
