import { getConfig } from "../config.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { applyMigrations } from "./migrate.ts";

export interface OpenDatabase {
  url: string;
  isEmbedded: boolean;
  appliedMigrations: string[];
  stop(): Promise<void>;
  /** Resolves if an embedded cluster started here exits on its own. */
  exited: Promise<void>;
}

/**
 * The database named by DATABASE_URL, or else the embedded one under DATA_DIR (started if no
 * other process runs it), with every pending migration applied.
 */
export async function openDatabase(log: (message: string) => void = () => {}): Promise<OpenDatabase> {
  const { DATABASE_URL, dataDir } = getConfig();
  const server = DATABASE_URL ? { url: DATABASE_URL, stop: async () => {}, exited: new Promise<void>(() => {}) } : await startEmbeddedPostgres(dataDir, log);
  try {
    const { applied } = await applyMigrations(server.url);
    // A laptop on the embedded database forwards to localhost unless told otherwise (lib/forwarding).
    // (An empty variable counts as unset, as everywhere in lib/config.ts.)
    if (!DATABASE_URL && !process.env.ALLOW_PRIVATE_DESTINATIONS) process.env.ALLOW_PRIVATE_DESTINATIONS = "1";
    return { ...server, isEmbedded: !DATABASE_URL, appliedMigrations: applied };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
