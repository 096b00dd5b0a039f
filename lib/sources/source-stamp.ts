import type pg from "pg";

// A source's stamp: a digest of everything that decides how its deliveries are received (slug,
// enabled, kind, scheme options, and each credential: its id, kind, material, revocation,
// expiry, and whether it is active now). The receiver keeps sources in memory
// (receiving-source-cache.ts) and trusts a remembered one only while its stamp is still the
// database's: the group commit re-reads the stamps of the batch's sources inside its
// transaction, so a delivery verified with a secret revoked a moment ago is not committed.

/** SQL for the stamp of the `sources` row aliased `s`; the same expression wherever it is read. */
export const SOURCE_STAMP_SQL = `md5(row(s.slug, s.enabled, s.kind, s.scheme_options, ARRAY(
    SELECT row(c.id, c.kind, c.fingerprint, md5(c.secret_ciphertext), md5(c.public_key_pem), c.revoked_at, c.expires_at,
               c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > now()))::text
      FROM credentials c WHERE c.source_id = s.id ORDER BY c.id))::text)`;

/** A remembered source that no longer is what the database holds: the delivery must be received again with the source as it is now. */
export class StaleSourceError extends Error {
  constructor(sourceId: string) {
    super(`source ${sourceId} changed while the delivery was received`);
    this.name = "StaleSourceError";
  }
}

export interface StampedSource {
  sourceId: string;
  stamp: string;
}

/** The ids of the sources whose stamp is not the one given (changed, or deleted). */
export async function staleSourceIds(client: pg.ClientBase | pg.Pool, sources: readonly StampedSource[]): Promise<Set<string>> {
  const expected = new Map(sources.map((source) => [source.sourceId, source.stamp]));
  if (expected.size === 0) return new Set();
  const { rows } = await client.query<{ id: string; stamp: string }>({
    name: "source-stamps",
    text: `SELECT s.id, ${SOURCE_STAMP_SQL} AS stamp FROM sources s WHERE s.id = ANY($1::uuid[])`,
    values: [[...expected.keys()]],
  });
  const current = new Map(rows.map((row) => [row.id, row.stamp]));
  return new Set([...expected].filter(([id, stamp]) => current.get(id) !== stamp).map(([id]) => id));
}
