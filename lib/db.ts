import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { getConfig } from "./config.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

// One pg pool per process, shared by Prisma (through its driver adapter) and by the few hot
// paths that speak SQL directly to stream large byte strings without Prisma's base64 copies.

interface Database {
  pool: pg.Pool;
  prisma: PrismaClient;
}

const globalForDb = globalThis as typeof globalThis & { webhookInboxDb?: Database; webhookInboxDbSettings?: DatabaseSettings };

export interface DatabaseSettings {
  /**
   * Plan each prepared statement once per connection (plan_cache_mode=force_generic_plan).
   * PostgreSQL plans a prepared statement's first five executions anew before it may settle on
   * a generic plan; the receiver's statements are point lookups and inserts by key, named per
   * batch size (lib/deliveries/store-verified.ts), so that re-planning was a share of its
   * PostgreSQL CPU per delivery and bought nothing. Not for the dashboard's list queries, whose
   * best plan can depend on their parameters.
   */
  genericPlans?: boolean;
}

/** Settings for this process's connections; before its first query (lib/server/serve-receiver.ts). */
export function configureDatabase(settings: DatabaseSettings): void {
  if (globalForDb.webhookInboxDb) throw new Error("configureDatabase must come before the first query");
  globalForDb.webhookInboxDbSettings = settings;
}

function getDatabase(): Database {
  if (globalForDb.webhookInboxDb) return globalForDb.webhookInboxDb;
  const { DATABASE_URL, DB_POOL_SIZE } = getConfig();
  if (!DATABASE_URL) throw new Error("DATABASE_URL is not set (npm start and the CLI set it for the embedded database)");
  const isGeneric = globalForDb.webhookInboxDbSettings?.genericPlans;
  const pool = new pg.Pool({
    connectionString: DATABASE_URL,
    max: DB_POOL_SIZE,
    connectionTimeoutMillis: 5_000,
    ...(isGeneric ? { options: "-c plan_cache_mode=force_generic_plan" } : {}),
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", (error) => console.warn(`database connection lost: ${error.message}`));
  // The pool listens for errors only on idle clients: a connection that breaks while checked
  // out (a lock holder, a transaction, during an outage) would emit an error nobody handles,
  // an uncaught exception. Its query fails on its own, and the pool drops it on release.
  pool.on("connect", (client) => client.on("error", () => {}));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  globalForDb.webhookInboxDb = { pool, prisma };
  return globalForDb.webhookInboxDb;
}

export const getPool = (): pg.Pool => getDatabase().pool;
export const getPrisma = (): PrismaClient => getDatabase().prisma;

export async function closeDatabase(): Promise<void> {
  const db = globalForDb.webhookInboxDb;
  globalForDb.webhookInboxDb = undefined;
  if (db) {
    await db.prisma.$disconnect();
    await db.pool.end().catch(() => {});
  }
}
