// `npm start`: builds the app if needed, opens the database (DATABASE_URL, or an embedded
// PostgreSQL under DATA_DIR), applies pending migrations, and runs the app server on PORT. SIGINT and
// SIGTERM stop the app first and then the embedded database, so no write is cut off.
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { getConfig, useDatabaseUrl } from "../lib/config.ts";
import { openDatabase } from "../lib/database/open-database.ts";
import { ensureBuilt } from "./lib/ensure-built.ts";
import { stopChild } from "./lib/stop-child.ts";

const isDev = process.argv.includes("--dev");

async function main(): Promise<void> {
  const config = getConfig();
  if (!isDev) await ensureBuilt(log);
  const database = await openDatabase();
  log(`database: ${database.isEmbedded ? `embedded PostgreSQL in ${path.join(config.dataDir, "postgres")}` : "DATABASE_URL"}`);
  if (database.appliedMigrations.length) log(`applied migrations: ${database.appliedMigrations.join(", ")}`);
  useDatabaseUrl(database.url);
  try {
    await checkInstallation(config.PORT);
  } catch (error) {
    await database.stop();
    throw error;
  }
  // Spool files of requests cut off by a crash are of no further use.
  await rm(path.join(config.dataDir, "tmp"), { recursive: true, force: true });

  // The app server (lib/server/serve.ts): the receiver on node:http, Next.js for the rest.
  // CPU_PROFILE_DIR=<dir> writes a V8 CPU profile of it there when it stops (README: Benchmarks).
  const profile = process.env.CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.CPU_PROFILE_DIR)}`] : [];
  const app = spawn(process.execPath, [...profile, "--import", "tsx", "lib/server/serve.ts", ...(isDev ? ["--dev"] : [])], {
    stdio: "inherit",
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      DATA_DIR: config.dataDir,
      NODE_ENV: isDev ? "development" : "production",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  log(`serving on http://localhost:${config.PORT} (pid ${app.pid})`);

  let isStopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (isStopping) return;
    isStopping = true;
    log(`${signal}: stopping`);
    await stopChild(app);
    await database.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  app.on("exit", async (code) => {
    if (isStopping) return;
    log(`the app exited unexpectedly (code ${code})`);
    await database.stop();
    process.exit(code ?? 1);
  });
}

/**
 * Before the app starts: the blob store must be usable and the one the database records (a
 * wrong setting stops here, with a message naming it), and while no admin exists, the only way
 * in is a one-time link, printed here to the operator.
 */
async function checkInstallation(port: number): Promise<void> {
  const { issueSetupTokenIfNeeded } = await import("../lib/auth/setup-token.ts");
  const { closeDatabase } = await import("../lib/db.ts");
  const { closeBlobStore, getBlobWriter } = await import("../lib/storage/configured-store.ts");
  try {
    const { record } = await getBlobWriter();
    log(`blob store: ${record.driver} (${record.identity})`);
    const token = await issueSetupTokenIfNeeded();
    if (token) log(`no administrator yet: create the first one at http://localhost:${port}/setup?token=${token} (valid 24 hours, once)`);
  } finally {
    await closeBlobStore();
    await closeDatabase();
  }
}

function log(message: string): void {
  console.log(`[webhook-inbox] ${message}`);
}

main().catch((error: unknown) => {
  console.error(`[webhook-inbox] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
