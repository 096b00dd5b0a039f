import type pg from "pg";

// Removes quarantined raw bodies in the caller's transaction: the quarantined_bodies rows that
// `doomed` selects (and locks), then their blob rows, marking each delivery `purged_at`. The
// delivery stays in the log with its status, reason, size and SHA-256. The bytes are the
// caller's to delete after the commit (deleteUnreferencedBytes), never before it. Used by the
// retention purge (expired bodies) and by the quarantine quota (a source's oldest bodies).

export interface UnlinkedBodies {
  bodies: number;
  bytes: number;
  /** SHA-256s whose blob rows went: delete their bytes after the commit, if nothing else names them. */
  freed: string[];
  /** The latest arrival among the deliveries marked, for a caller that walks them in that order. */
  lastReceivedAt: Date | null;
}

/**
 * `doomed` is a query selecting `delivery_id` from `quarantined_bodies q` with its rows locked
 * (FOR UPDATE … SKIP LOCKED); its placeholders start at $2 ($1 is `now`).
 */
export async function unlinkQuarantinedBodies(client: pg.PoolClient, doomed: { text: string; values: unknown[] }, now: Date): Promise<UnlinkedBodies> {
  const { rows } = await client.query<{ blob_id: string; received_at: Date }>(
    `WITH doomed AS (${doomed.text}
     ), unlinked AS (
       DELETE FROM quarantined_bodies q USING doomed WHERE q.delivery_id = doomed.delivery_id RETURNING q.delivery_id, q.blob_id
     ), marked AS (
       UPDATE deliveries d SET purged_at = $1 FROM unlinked WHERE d.id = unlinked.delivery_id RETURNING d.id, d.received_at
     )
     SELECT unlinked.blob_id::text AS blob_id, marked.received_at FROM unlinked JOIN marked ON marked.id = unlinked.delivery_id`,
    [now, ...doomed.values],
  );
  if (rows.length === 0) return { bodies: 0, bytes: 0, freed: [], lastReceivedAt: null };
  // After the rows that referenced them are gone (the foreign key restricts).
  const freed = await client.query<{ sha256: string; byte_size: string }>(`DELETE FROM blobs WHERE id = ANY($1::uuid[]) RETURNING sha256, byte_size::text`, [
    rows.map((row) => row.blob_id),
  ]);
  return {
    bodies: rows.length,
    bytes: freed.rows.reduce((sum, row) => sum + Number(row.byte_size), 0),
    freed: freed.rows.map((row) => row.sha256),
    lastReceivedAt: new Date(Math.max(...rows.map((row) => row.received_at.getTime()))),
  };
}
