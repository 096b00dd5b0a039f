import pg from "pg";
import { getConfig } from "../config.ts";

// One pg pool per process, for the hot paths that speak SQL directly (and, through its driver
// adapter, for Prisma: lib/db.ts). A module of its own so that a process that needs only SQL
// (the launcher's start-up checks) does not load Prisma's client and query compiler.

const globalForPool = globalThis as typeof globalThis & { webhookInboxPool?: pg.Pool; webhookInboxPoolSettings?: PoolSettings };

export interface PoolSettings {
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
export function configurePool(settings: PoolSettings): void {
  if (globalForPool.webhookInboxPool) throw new Error("configurePool must come before the first query");
  globalForPool.webhookInboxPoolSettings = settings;
}

export function getPool(): pg.Pool {
  if (globalForPool.webhookInboxPool) return globalForPool.webhookInboxPool;
  const { DATABASE_URL, DB_POOL_SIZE } = getConfig();
  if (!DATABASE_URL) throw new Error("DATABASE_URL is not set (npm start and the CLI set it for the embedded database)");
  const isGeneric = globalForPool.webhookInboxPoolSettings?.genericPlans;
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
  globalForPool.webhookInboxPool = pool;
  return pool;
}

export async function closePool(): Promise<void> {
  const pool = globalForPool.webhookInboxPool;
  globalForPool.webhookInboxPool = undefined;
  await pool?.end().catch(() => {});
}
