// Page weight of the gallery (issue "Dashboard"): its first load in Chromium with 60 verified
// images, each a distinct 1920x1080 JPEG, in a fresh browser context each time (no cache):
// bytes transferred (CDP Network.loadingFinished encodedDataLength, headers included), number
// of requests, and time from navigation start to the first thumbnail painted (Element Timing
// API, the tiles' `elementtiming` attribute), medians over LOADS loads after one warm-up.
// The live event stream (GET /api/events) is open for as long as the page is, so it counts as
// a request and its bytes so far. Usage: npx tsx bench/gallery-page-weight.ts
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import { maskitBody } from "../lib/senders/multipart-body.ts";
import { startAppServer } from "../test/helpers/app-server.ts";
import { makeJpeg } from "../test/helpers/images.ts";
import { median } from "./lib/load.ts";

const IMAGES = 60;
const LOADS = 7;
const VIEWPORT = { width: 1440, height: 900 };
// As playwright.config.ts launches Debian's Chromium.
const LAUNCH_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

interface Load {
  bytes: number;
  requests: number;
  byType: Record<string, { bytes: number; requests: number }>;
  firstThumbnailMs: number;
  /** For context: when the HTML's first byte arrived, and the first contentful paint. */
  responseStartMs: number;
  firstContentfulPaintMs: number;
  thumbnailsRequested: number;
}

const workDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-page-weight-"));
await chmod(workDir, 0o755);
const env = { DATA_DIR: path.join(workDir, "data"), DATABASE_URL: "", ENCRYPTION_KEY: "" };
await mkdir(env.DATA_DIR);
await chmod(env.DATA_DIR, 0o755);
const cli = (args: string[], input = "") =>
  execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/cli.ts", ...args], { input, env: { ...process.env, ...env }, encoding: "utf8" })
    .trimEnd()
    .split("\n")
    .at(-1)!;
const secret = cli(["source", "add", "--kind", "maskit", "--slug", "weight", "--generate"]);
cli(["user", "add", "--email", "weight@example.com", "--role", "viewer"], "a long enough password\n");
const app = await startAppServer(env);
let browser: Browser | null = null;

try {
  for (let i = 0; i < IMAGES; i++) {
    const { body, contentType } = maskitBody(await makeJpeg(1920, 1080, { seed: i + 1 }), `weight / frame ${i}`);
    const response = await fetch(`${app.baseUrl}/api/webhooks/weight`, {
      method: "POST",
      body: new Uint8Array(body),
      headers: { "content-type": contentType, "x-signature": createHmac("sha256", secret).update(body).digest("hex") },
    });
    if (response.status !== 200) throw new Error(`seeding answered ${response.status}`);
  }
  const cookie = await signIn();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: LAUNCH_ARGS });
  await loadGallery(browser, cookie); // warm-up: server caches, thumbnails made once
  const loads: Load[] = [];
  for (let i = 0; i < LOADS; i++) loads.push(await loadGallery(browser, cookie));

  const med = (pick: (load: Load) => number) => median(loads.map(pick));
  console.log(`gallery first load, ${IMAGES} verified 1920x1080 JPEGs seeded, viewport ${VIEWPORT.width}x${VIEWPORT.height}, medians of ${LOADS} cold loads:`);
  console.log(`- bytes transferred: ${(med((load) => load.bytes) / 1024).toFixed(1)} KB in ${med((load) => load.requests)} requests`);
  console.log(
    `- time to the first thumbnail painted: ${med((load) => load.firstThumbnailMs).toFixed(0)} ms (min ${Math.min(...loads.map((load) => load.firstThumbnailMs)).toFixed(0)}, max ${Math.max(...loads.map((load) => load.firstThumbnailMs)).toFixed(0)})`,
  );
  console.log(
    `- for context: HTML first byte ${med((load) => load.responseStartMs).toFixed(0)} ms, first contentful paint ${med((load) => load.firstContentfulPaintMs).toFixed(0)} ms`,
  );
  console.log(`- thumbnails fetched on first load (lazy): ${med((load) => load.thumbnailsRequested)}`);
  console.log("\n| resource type | KB | requests |\n|---|---|---|");
  for (const type of Object.keys(loads[0].byType).sort()) {
    console.log(`| ${type} | ${(med((load) => load.byType[type]?.bytes ?? 0) / 1024).toFixed(1)} | ${med((load) => load.byType[type]?.requests ?? 0)} |`);
  }
} finally {
  await browser?.close();
  await app.stop();
  await rm(workDir, { recursive: true, force: true });
}

async function loadGallery(browser: Browser, cookie: { name: string; value: string }): Promise<Load> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addCookies([{ ...cookie, url: app.baseUrl }]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const requests = new Map<string, { type: string; url: string; bytes: number }>();
  cdp.on("Network.requestWillBeSent", (event) => requests.set(event.requestId, { type: event.type ?? "Other", url: event.request.url, bytes: 0 }));
  cdp.on("Network.dataReceived", (event) => {
    // Counts the open event stream's bytes too; loadingFinished replaces this with the exact total.
    const request = requests.get(event.requestId);
    if (request) request.bytes += event.encodedDataLength;
  });
  cdp.on("Network.loadingFinished", (event) => {
    const request = requests.get(event.requestId);
    if (request) request.bytes = event.encodedDataLength;
  });
  await page.addInitScript(() => {
    const w = window as unknown as { firstThumbnailMs?: number };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Array<PerformanceEntry & { renderTime: number; loadTime: number; identifier: string }>) {
        if (entry.identifier === "gallery-thumbnail") w.firstThumbnailMs ??= entry.renderTime || entry.loadTime;
      }
    }).observe({ type: "element", buffered: true });
  });
  const response = await page.goto(`${app.baseUrl}/gallery`);
  if (response?.status() !== 200 || !page.url().endsWith("/gallery")) throw new Error(`the gallery answered ${response?.status()} at ${page.url()}`);
  // Loaded: every thumbnail the browser chose to fetch (lazy: those near the viewport) is decoded.
  await page.waitForFunction(() => {
    const images = [...document.querySelectorAll<HTMLImageElement>('img[elementtiming="gallery-thumbnail"]')];
    return images.length > 0 && images.filter((img) => img.getBoundingClientRect().top < innerHeight).every((img) => img.complete && img.naturalWidth > 0);
  });
  await page.waitForFunction(() => (window as unknown as { firstThumbnailMs?: number }).firstThumbnailMs !== undefined);
  await page.waitForTimeout(500);
  const { firstThumbnailMs, responseStartMs, firstContentfulPaintMs } = await page.evaluate(() => ({
    firstThumbnailMs: (window as unknown as { firstThumbnailMs: number }).firstThumbnailMs,
    responseStartMs: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).responseStart,
    firstContentfulPaintMs: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
  }));
  await context.close();
  const byType: Load["byType"] = {};
  for (const request of requests.values()) {
    byType[request.type] ??= { bytes: 0, requests: 0 };
    byType[request.type].bytes += request.bytes;
    byType[request.type].requests += 1;
  }
  const all = [...requests.values()];
  return {
    bytes: all.reduce((sum, request) => sum + request.bytes, 0),
    requests: all.length,
    byType,
    firstThumbnailMs,
    responseStartMs,
    firstContentfulPaintMs,
    thumbnailsRequested: all.filter((request) => request.url.endsWith("/thumbnail")).length,
  };
}

async function signIn(): Promise<{ name: string; value: string }> {
  const { port, password } = JSON.parse(await readFile(path.join(env.DATA_DIR, "postgres.json"), "utf8"));
  const { useDatabaseUrl } = await import("../lib/config.ts");
  useDatabaseUrl(`postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/webhook_inbox`);
  const { getPool, closeDatabase } = await import("../lib/db.ts");
  const { createSession } = await import("../lib/auth/sessions.ts");
  const { rows } = await getPool().query<{ id: string }>("SELECT id FROM users WHERE email = 'weight@example.com'");
  const { token } = await createSession(rows[0].id);
  await closeDatabase();
  return { name: "webhook_inbox_session", value: token };
}
