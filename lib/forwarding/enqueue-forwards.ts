import type pg from "pg";
import { FORWARD_TASK } from "./forward-job.ts";

// The transactional outbox. Called once per committed batch by the receiver's commitBatch (and
// by re-verification's promotion), in the same transaction: one statement writes a `forwards`
// row for each (delivery, destination of its source) and adds one graphile-worker job per
// enabled destination. A source without destinations costs one index probe that returns no
// rows, and no job: add_jobs is not called at all for an empty set (called with NULL, it still
// sent its 'jobs:insert' notification, which woke a worker to look for a job in vain after
// every batch). Paused destinations get their rows too: resuming sends what waited.
//
// Handed off (the receiver, `handOffSeconds` set): the jobs are added to run only that many
// seconds later, and the statement returns what the receiver needs to send each forward itself
// as soon as the batch commits (./hand-off.ts), with the bytes it still holds. The job is the
// fallback: a receiver that dies before recording the attempt leaves it to run on any instance.

/** graphile_worker.job_spec for the forwards in `alias` (job key: one waiting job per forward). */
const jobSpecs = (alias: string) => `array_agg(ROW(
  '${FORWARD_TASK}', json_build_object('deliveryId', ${alias}.delivery_id, 'destinationId', ${alias}.destination_id),
  NULL, NULL, NULL, 'forward:' || ${alias}.delivery_id || ':' || ${alias}.destination_id, NULL, NULL)::graphile_worker.job_spec)`;

/** Adds the jobs that `specsQuery` (one row, column `specs`) aggregates, and counts them; none to add, no call. */
const addJobs = (specsQuery: string) => `SELECT count(*)::int AS jobs FROM (${specsQuery}) s, graphile_worker.add_jobs(s.specs) WHERE s.specs IS NOT NULL`;

const QUEUED = `
  WITH arrived AS (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS a (delivery_id, source_id)),
  queued AS (
    INSERT INTO forwards (delivery_id, destination_id)
    SELECT a.delivery_id, d.id FROM arrived a JOIN destinations d ON d.source_id = a.source_id
    ORDER BY 1, 2
    ON CONFLICT DO NOTHING
    RETURNING delivery_id, destination_id)`;

const ENQUEUE_SQL = `${QUEUED}
  ${addJobs(`SELECT ${jobSpecs("q")} AS specs FROM queued q JOIN destinations d ON d.id = q.destination_id WHERE d.enabled`)}`;

// Handed-off jobs are inserted into graphile-worker's table directly, not through add_jobs: that
// function NOTIFYs 'jobs:insert' with the batch's count, which nudges that many idle workers to
// look for a job, and these jobs are not due yet (each look would be in vain, once per forward).
// The rows are what add_jobs would write for a new key (these forwards are new, so no job holds
// the key yet); the task's row is ensured by migrateJobQueue (./job-queue.ts) at every start.
const ENQUEUE_HANDED_OFF_SQL = `${QUEUED},
  jobs AS (
    INSERT INTO graphile_worker._private_jobs (task_id, payload, run_at, key)
    SELECT t.id, json_build_object('deliveryId', q.delivery_id, 'destinationId', q.destination_id),
           now() + make_interval(secs => $3), 'forward:' || q.delivery_id || ':' || q.destination_id
      FROM queued q
      JOIN destinations d ON d.id = q.destination_id AND d.enabled
      JOIN graphile_worker._private_tasks t ON t.identifier = '${FORWARD_TASK}'
    ON CONFLICT (key) DO NOTHING
    RETURNING id, key)
  SELECT q.delivery_id, q.destination_id, j.id AS job_id, d.url, d.secret_ciphertext, s.kind
    FROM jobs j
    JOIN queued q ON j.key = 'forward:' || q.delivery_id || ':' || q.destination_id
    JOIN destinations d ON d.id = q.destination_id
    JOIN sources s ON s.id = d.source_id`;

export interface ArrivedDelivery {
  id: string;
  sourceId: string;
}

/** A forward the receiver sends itself (./hand-off.ts); its job waits as the fallback. */
export interface HandedOffForward {
  deliveryId: string;
  destinationId: string;
  jobId: string;
  url: string;
  secretCiphertext: Uint8Array;
  kind: "maskit" | "edenai";
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

/** As enqueueForwards, with the jobs held back `handOffSeconds`: the forwards for the caller to send once the transaction commits. */
export async function enqueueHandedOffForwards(client: pg.ClientBase, deliveries: ArrivedDelivery[], handOffSeconds: number): Promise<HandedOffForward[]> {
  if (deliveries.length === 0) return [];
  const { rows } = await client.query({
    name: "enqueue-handed-off-forwards",
    text: ENQUEUE_HANDED_OFF_SQL,
    values: [deliveries.map((delivery) => delivery.id), deliveries.map((delivery) => delivery.sourceId), handOffSeconds],
  });
  return rows.map((row) => ({
    deliveryId: row.delivery_id,
    destinationId: row.destination_id,
    jobId: String(row.job_id),
    url: row.url,
    secretCiphertext: row.secret_ciphertext,
    kind: row.kind,
  }));
}

/** New jobs for forwards already recorded (resume, replay), e.g. `WHERE f.destination_id = $1 AND f.state = 'waiting'`. */
export async function enqueueExistingForwards(client: pg.ClientBase, where: string, values: unknown[]): Promise<number> {
  const { rows } = await client.query<{ jobs: number }>(
    addJobs(`SELECT ${jobSpecs("f")} AS specs FROM forwards f JOIN destinations d ON d.id = f.destination_id WHERE d.enabled AND ${where}`),
    values,
  );
  return rows[0]?.jobs ?? 0;
}
