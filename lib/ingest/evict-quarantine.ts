import { unlinkQuarantinedBodies } from "../retention/unlink-quarantined.ts";
import { deleteUnreferencedBytes, type StorageContext } from "../storage/blob-rows.ts";
import { withTransaction } from "../storage/transaction.ts";

// Beyond its quarantine quota, a source's oldest quarantined bodies go first, so that the
// newest failures (the ones an operator is looking into now) keep theirs (issue 15, A3). The
// deliveries stay in the log, marked `purged_at` as retention marks them. One transaction
// removes the rows, then the bytes go after the commit, as every deletion does.

/** The oldest bodies looked at per eviction: with kilobyte bodies, room for one large one. */
const MOST_EVICTED = 5_000;

/** Frees at least `bytesNeeded` of `sourceId`'s quarantine, oldest first; returns what it freed. */
export async function evictOldestQuarantined(storage: StorageContext, sourceId: string, bytesNeeded: number): Promise<number> {
  const { pool, blobs } = storage;
  const unlinked = await withTransaction(pool, (client) =>
    unlinkQuarantinedBodies(
      client,
      {
        // Each body's running total of the bytes before it: every body that starts before the
        // freed total reaches `bytesNeeded` goes. A body that a re-verification holds is skipped.
        text: `SELECT q.delivery_id FROM quarantined_bodies q JOIN deliveries d ON d.id = q.delivery_id
                WHERE d.status <> 'verified' AND q.delivery_id IN (
                  SELECT oldest.delivery_id FROM (
                    SELECT o.delivery_id, sum(b.byte_size) OVER (ORDER BY o.quarantined_at, o.delivery_id) - b.byte_size AS before
                      FROM (SELECT delivery_id, blob_id, quarantined_at FROM quarantined_bodies
                             WHERE source_id = $2 ORDER BY quarantined_at, delivery_id LIMIT ${MOST_EVICTED}) AS o
                      JOIN blobs b ON b.id = o.blob_id
                  ) AS oldest WHERE oldest.before < $3)
                  FOR UPDATE OF q, d SKIP LOCKED`,
        values: [sourceId, bytesNeeded],
      },
      new Date(),
    ),
  );
  await deleteUnreferencedBytes(pool, blobs.store, unlinked.freed);
  return unlinked.bytes;
}
