import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/database/embedded-postgres.ts";
import { applyMigrations } from "@/lib/database/migrate.ts";

// A real, private PostgreSQL for one test file: an embedded cluster in a temporary folder,
// migrated like the app migrates it. Tests may stop and restart it to simulate an outage.

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
