import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/database/embedded-postgres.ts";
import { applyMigrations } from "@/lib/database/migrate.ts";
import { freePort } from "./app-server.ts";
import { CLUSTER_TEMPLATE_VARIABLE } from "./cluster-template-variable.ts";

// A real, private PostgreSQL for one test file: an embedded cluster in a temporary folder,
// migrated like the app migrates it. Tests may stop and restart it to simulate an outage.
// The cluster is a copy of one made and migrated once per run (test/global-setup.ts): a copy
// and a start take a fraction of the second that initdb takes, for every file that needs one.

export interface TestDatabase {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-test-"));
  await chmod(dataDir, 0o755);
  await copyClusterTemplate(dataDir);
  let server: EmbeddedDatabase = await startEmbeddedPostgres(dataDir);
  await applyMigrations(server.url);
  const database: TestDatabase = {
    url: server.url,
    dataDir,
    stop: () => server.stop(),
    async restart() {
      server = await startEmbeddedPostgres(dataDir);
      if (server.url !== database.url) throw new Error("embedded PostgreSQL came back on another port");
    },
    async destroy() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return database;
}

/** Makes the migrated cluster that test files copy; returns its folder. */
export async function makeClusterTemplate(): Promise<string> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-template-"));
  const server = await startEmbeddedPostgres(dataDir);
  await applyMigrations(server.url);
  await server.stop();
  return dataDir;
}

/**
 * Copies the template, when there is one, into `dataDir`. `cp -a` because the files belong to
 * the `postgres` user and must stay its own. The copy is given a port of its own: files copied
 * side by side (vitest runs two at once) would otherwise all try the template's.
 */
async function copyClusterTemplate(dataDir: string): Promise<void> {
  const template = process.env[CLUSTER_TEMPLATE_VARIABLE];
  if (!template) return;
  await promisify(execFile)("cp", ["-a", `${template}/.`, dataDir]);
  const infoFile = path.join(dataDir, "postgres.json");
  const { password } = JSON.parse(await readFile(infoFile, "utf8")) as { password: string };
  await writeFile(infoFile, JSON.stringify({ port: await freePort(), password }), { mode: 0o600 });
}
