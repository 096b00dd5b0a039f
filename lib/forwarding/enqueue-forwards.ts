import type pg from "pg";
import { FORWARD_TASK } from "./forward-job.ts";

// The transactional outbox. Called once per committed batch by the receiver's commitBatch (and
// by re-verification's promotion), in the same transaction: one statement writes a `forwards`
// row for each (delivery, destination of its source) and adds one graphile-worker job per
// enabled destination. A source without destinations costs one index probe that returns no
// rows, and no job: add_jobs is not called at all for an empty set (called with NULL, it still
// sent its 'jobs:insert' notification, which woke a worker to look for a job in vain after
// every batch). Paused destinations get their rows too: resuming sends what waited.

/** graphile_worker.job_spec for the forwards in `alias` (job key: one waiting job per forward). */
const jobSpecs = (alias: string) => `array_agg(ROW(
  '${FORWARD_TASK}', json_build_object('deliveryId', ${alias}.delivery_id, 'destinationId', ${alias}.destination_id),
  NULL, NULL, NULL, 'forward:' || ${alias}.delivery_id || ':' || ${alias}.destination_id, NULL, NULL)::graphile_worker.job_spec)`;

/** Adds the jobs that `specsQuery` (one row, column `specs`) aggregates, and counts them; none to add, no call. */
const addJobs = (specsQuery: string) => `SELECT count(*)::int AS jobs FROM (${specsQuery}) s, graphile_worker.add_jobs(s.specs) WHERE s.specs IS NOT NULL`;

const ENQUEUE_SQL = `
  WITH arrived AS (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS a (delivery_id, source_id)),
  queued AS (
    INSERT INTO forwards (delivery_id, destination_id)
    SELECT a.delivery_id, d.id FROM arrived a JOIN destinations d ON d.source_id = a.source_id
    ORDER BY 1, 2
    ON CONFLICT DO NOTHING
    RETURNING delivery_id, destination_id)
  ${addJobs(`SELECT ${jobSpecs("q")} AS specs FROM queued q JOIN destinations d ON d.id = q.destination_id WHERE d.enabled`)}`;

export interface ArrivedDelivery {
  id: string;
  sourceId: string;
}

export async function enqueueForwards(client: pg.ClientBase, deliveries: ArrivedDelivery[]): Promise<number> {
  if (deliveries.length === 0) return 0;
  const { rows } = await client.query<{ jobs: number }>({
    name: "enqueue-forwards",
    text: ENQUEUE_SQL,
    values: [deliveries.map((delivery) => delivery.id), deliveries.map((delivery) => delivery.sourceId)],
  });
  return rows[0]?.jobs ?? 0;
}

/** New jobs for forwards already recorded (resume, replay), e.g. `WHERE f.destination_id = $1 AND f.state = 'waiting'`. */
export async function enqueueExistingForwards(client: pg.ClientBase, where: string, values: unknown[]): Promise<number> {
  const { rows } = await client.query<{ jobs: number }>(
    addJobs(`SELECT ${jobSpecs("f")} AS specs FROM forwards f JOIN destinations d ON d.id = f.destination_id WHERE d.enabled AND ${where}`),
    values,
  );
  return rows[0]?.jobs ?? 0;
}
