import { execFileSync, spawn } from "node:child_process";
import { chmod, mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { embeddedClusterUrl, startEmbeddedPostgres } from "../../lib/database/embedded-postgres.ts";
import { freePort, startAppServer } from "../../test/helpers/app-server.ts";
import { postmasterPid } from "./process-cpu.ts";
import { stopChild } from "../../scripts/lib/stop-child.ts";

// The receivers bench/ingest.ts measures, each started on a free port and described by the
// processes whose CPU and memory are its own.

export interface Target {
  name: string;
  port: number;
  path: string;
  /** The receiving process: the CPU of its tree is the app's, its RSS the receiver's. */
  appPid: number;
  /** The postmaster of the PostgreSQL cluster it writes to. */
  postgresPid?: number;
  /** A separate process holding its blobs (the local S3 server). */
  storePid?: number;
  stop(): Promise<void>;
}

export type BlobStoreName = "filesystem" | "postgres" | "s3";

const TSX = "node_modules/tsx/dist/cli.mjs";

/** A peer in bench/peers: a script that prints one line once it listens on PORT. */
export async function startPeer(name: string, script: string, requestPath: string, env: Record<string, string>, postgresPid?: number): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, [TSX, script], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    child.stdout!.once("data", resolve);
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before listening`)));
  });
  return { name, port, path: requestPath, appPid: child.pid!, postgresPid, stop: () => stopChild(child) };
}

/**
 * The PostgreSQL of the durable-floor and postgres-floor peers: an embedded cluster started by
 * the same code and with the same settings as webhook-inbox's own (so the same WAL flushes on
 * the same disk), but a cluster of its own, so that its CPU is theirs alone.
 */
export async function startFloorCluster(dataDir: string): Promise<{ urls: Record<string, string>; postmasterPid: number; stop(): Promise<void> }> {
  const cluster = await startEmbeddedPostgres(dataDir);
  const admin = new pg.Client({ connectionString: await embeddedClusterUrl(dataDir, "postgres") });
  await admin.connect();
  const urls: Record<string, string> = {};
  for (const database of ["postgres_floor", "durable_floor"]) {
    await admin.query(`CREATE DATABASE ${database}`);
    urls[database] = await embeddedClusterUrl(dataDir, database);
  }
  await admin.end();
  return { urls, postmasterPid: postmasterPid(path.join(dataDir, "postgres")), stop: () => cluster.stop() };
}

/**
 * webhook-inbox as `npm start` runs it, with an embedded PostgreSQL and a DATA_DIR of its own
 * (one installation records one blob store), and a MaskIt source `bench` with `secret`. The CLI
 * that adds the source gets the same environment, so that it records the same store.
 */
export async function startWebhookInbox(
  store: BlobStoreName,
  dataDir: string,
  secret: string,
  storeEnv: Record<string, string> = {},
  storePid?: number,
  /** Another checkout of webhook-inbox to run instead of this one (bench/ingest.ts --baseline), named `webhook-inbox@<label>`. */
  checkout?: { dir: string; label: string },
): Promise<Target> {
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o755);
  const env = { DATA_DIR: dataDir, DATABASE_URL: "", ENCRYPTION_KEY: "", BLOB_STORE: store, ...storeEnv };
  execFileSync(process.execPath, [TSX, "scripts/cli.ts", "source", "add", "--kind", "maskit", "--slug", "bench", "--secret-stdin"], {
    cwd: checkout?.dir,
    env: { ...process.env, ...env },
    input: secret,
    stdio: ["pipe", "ignore", "inherit"],
  });
  const app = await startAppServer(env, checkout?.dir);
  const appPid = Number(/serving on .* \(pid (\d+)[;)]/.exec(app.output())?.[1]);
  if (!appPid) throw new Error(`webhook-inbox printed no app server pid:\n${app.output()}`);
  return {
    name: checkout ? `webhook-inbox@${checkout.label}/${store}` : `webhook-inbox/${store}`,
    port: app.port,
    path: "/api/webhooks/bench",
    appPid,
    postgresPid: postmasterPid(path.join(dataDir, "postgres")),
    storePid,
    stop: () => app.stop(),
  };
}

/**
 * The local S3-compatible server (s3rver, test/helpers/s3-server.ts) in a process of its own,
 * so that its CPU neither competes with the load generator's event loop nor goes uncounted.
 */
export async function startS3Server(): Promise<{ env: Record<string, string>; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [TSX, "bench/lib/s3-server-child.ts"], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      if (output.includes("\n")) resolve(output.slice(0, output.indexOf("\n")));
    });
    child.once("exit", (code) => reject(new Error(`the S3 server exited (${code}) before it was ready`)));
  });
  return { env: JSON.parse(line) as Record<string, string>, pid: child.pid!, stop: () => stopChild(child) };
}

/** The ceiling's work inside a Next.js route handler (bench/peers/next-floor). */
export async function startNextFloor(secret: string): Promise<Target> {
  const next = ["node_modules/next/dist/bin/next"];
  const dir = "bench/peers/next-floor";
  execFileSync(process.execPath, [...next, "build", dir], { stdio: "ignore", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  const port = await freePort();
  const child = spawn(process.execPath, [...next, "start", dir, "--port", String(port)], {
    env: { ...process.env, BENCH_SECRET: secret, NODE_ENV: "production" },
    stdio: "ignore",
  });
  while (!(await fetch(`http://127.0.0.1:${port}/floor`).catch(() => null))) await new Promise((resolve) => setTimeout(resolve, 200));
  return { name: "next-floor", port, path: "/floor", appPid: child.pid!, stop: () => stopChild(child) };
}
