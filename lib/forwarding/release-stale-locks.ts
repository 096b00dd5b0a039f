import { getConfig } from "../config.ts";
import { getPool } from "../db.ts";
import { startPeriodicJob } from "../jobs/start-periodic-job.ts";
import { FORWARD_TASK } from "./forward-job.ts";

// graphile-worker 0.16 frees a job locked by a worker that died (kill -9, a lost machine) only
// after four hours. A forward attempt is bounded by FORWARD_TIMEOUT_MS, so a forward job
// locked for FORWARD_LOCK_TIMEOUT_SECONDS is one whose instance is gone: this frees it for any
// instance (the same statement as the library's own reset, with our bound, for our task only).
// At least once: an attempt cut off mid-send is sent again, with the same webhook-id.

export function startStaleLockRelease(): void {
  const { FORWARD_LOCK_TIMEOUT_SECONDS } = getConfig();
  startPeriodicJob("forwarding-locks", Math.max(1000, (FORWARD_LOCK_TIMEOUT_SECONDS * 1000) / 4), async () => {
    const released = await releaseStaleForwardLocks(FORWARD_LOCK_TIMEOUT_SECONDS);
    return released ? `released ${released} forwarding jobs left locked by a stopped instance` : null;
  });
}

export async function releaseStaleForwardLocks(olderThanSeconds: number): Promise<number> {
  const { rowCount } = await getPool().query(
    `UPDATE graphile_worker._private_jobs AS jobs SET locked_at = NULL, locked_by = NULL, run_at = greatest(run_at, now())
      WHERE locked_at < now() - make_interval(secs => $1)
        AND task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = $2)`,
    [olderThanSeconds, FORWARD_TASK],
  );
  return rowCount ?? 0;
}
