import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { migrateJobQueue } from "../forwarding/job-queue.ts";

// Applies prisma/migrations the way `prisma migrate deploy` does, because the Prisma 7 CLI cannot
// fetch its schema engine here. Bookkeeping matches Prisma's own (_prisma_migrations, SHA-256
// checksums, the same advisory lock key), so `prisma migrate status` on a connected machine agrees.

const PRISMA_ADVISORY_LOCK = 72707369;
export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

export interface MigrationResult {
  applied: string[];
}

export async function applyMigrations(databaseUrl: string, migrationsDir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const done = await readAppliedMigrations(client);
    const applied: string[] = [];
    for (const migration of await readMigrationFiles(migrationsDir)) {
      const record = done.get(migration.name);
      if (record?.finished) continue;
      if (record) {
        throw new Error(`Migration ${migration.name} failed earlier and must be resolved by hand: ${record.logs ?? "no log"}`);
      }
      await applyOne(client, migration);
      applied.push(migration.name);
    }
    // The forwarding queue's own schema (graphile_worker), migrated by the library itself.
    await migrateJobQueue(databaseUrl);
    return { applied };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => {});
    await client.end();
  }
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    [id, migration.checksum, migration.name],
  );
  try {
    await client.query("BEGIN");
    await client.query(migration.sql);
    await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    // Prisma keeps a failed migration's row with its log; clearing it takes a human decision.
    await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, String(error)]);
    throw new Error(`Migration ${migration.name} failed: ${String(error)}`);
  }
}

async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

async function readAppliedMigrations(client: pg.Client) {
  const { rows } = await client.query<{ migration_name: string; finished_at: Date | null; logs: string | null }>(
    `SELECT migration_name, finished_at, logs FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
  );
  return new Map(rows.map((row) => [row.migration_name, { finished: row.finished_at !== null, logs: row.logs }]));
}

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;
