import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/database/embedded-postgres.ts";
import { applyMigrations } from "@/lib/database/migrate.ts";
import { copyClusterTemplate } from "./cluster-template.ts";

// A real, private PostgreSQL for one test file: an embedded cluster in a temporary folder,
// migrated like the app migrates it. Tests may stop and restart it to simulate an outage.
// The cluster is a copy of one made and migrated once per run (test/helpers/cluster-template.ts).

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
