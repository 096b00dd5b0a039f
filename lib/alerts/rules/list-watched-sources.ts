import { getPool } from "../../db.ts";
import type { WatchedSource } from "./rule-kind.ts";

/** Every source with its last delivery (one index probe each on (source_id, received_at)): what the rules look at. */
export async function listWatchedSources(): Promise<WatchedSource[]> {
  const { rows } = await getPool().query<WatchedSource>(`
    SELECT s.id::text AS id, s.slug, s.name, s.enabled, s.created_at AS "createdAt", last.received_at AS "lastDeliveryAt"
      FROM sources s
      LEFT JOIN LATERAL (SELECT d.received_at FROM deliveries d WHERE d.source_id = s.id ORDER BY d.received_at DESC LIMIT 1) last ON true`);
  return rows;
}
