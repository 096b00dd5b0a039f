import { randomBytes } from "node:crypto";
import pg from "pg";
import { applyMigrations } from "@/lib/database/migrate.ts";

// A scratch database on a PostgreSQL server outside the app (the machine's own server by
// default), for tests of the DATABASE_URL path and ones that need that server's tools.

export const SERVER_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `webhook_inbox_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: SERVER_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`this test needs a PostgreSQL server at ${SERVER_ADMIN_URL} (set TEST_POSTGRES_URL): ${(error as Error).message}`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_ADMIN_URL);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: SERVER_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
