import type pg from "pg";

// The triggers on deliveries append one delivery_hour_counts row per statement and (source,
// hour, status) they touch; this folds each group's rows into one, in one statement, and drops
// groups that sum to zero (a deleted source's) and hours older than anything the dashboard
// shows. Safe beside receivers and other instances doing the same: a row appended meanwhile is
// not in this statement's snapshot and stays for the next run, and a row that another
// compaction deleted first is skipped by this DELETE, so every row is summed exactly once.

export const HOUR_COUNTS_KEPT_DAYS = 8;

export async function compactHourCounts(pool: Pick<pg.Pool, "query">): Promise<{ folded: number; groups: number }> {
  const { rows } = await pool.query<{ folded: number; groups: number }>(
    `WITH folded AS (
       DELETE FROM delivery_hour_counts c
        WHERE (c.source_id, c.hour, c.status) IN (
                SELECT source_id, hour, status FROM delivery_hour_counts GROUP BY 1, 2, 3 HAVING count(*) > 1 OR sum(deliveries) = 0)
           OR c.hour < now() - make_interval(days => $1)
       RETURNING c.source_id, c.hour, c.status, c.deliveries
     ), kept AS (
       INSERT INTO delivery_hour_counts (source_id, hour, status, deliveries)
       SELECT source_id, hour, status, sum(deliveries) FROM folded
        WHERE hour >= now() - make_interval(days => $1)
        GROUP BY 1, 2, 3 HAVING sum(deliveries) <> 0
       RETURNING 1
     )
     SELECT (SELECT count(*)::int FROM folded) AS folded, (SELECT count(*)::int FROM kept) AS groups`,
    [HOUR_COUNTS_KEPT_DAYS],
  );
  return rows[0];
}
