import { getConfig } from "../config.ts";
import { getPool } from "../db.ts";
import { startPeriodicJob } from "../jobs/start-periodic-job.ts";
import { FORWARD_TASK } from "./forward-job.ts";

// graphile-worker 0.16 frees a job locked by a worker that died (kill -9, a lost machine) only
// after four hours. A forward attempt is bounded by FORWARD_TIMEOUT_MS, so a forward job
// locked for FORWARD_LOCK_TIMEOUT_SECONDS is one whose instance is gone: this frees it for any
// instance (the same statement as the library's own reset, with our bound, for our task only).
// At least once: an attempt cut off mid-send is sent again, with the same webhook-id.
// The library never refreshes a lock while its job runs, so a bound shorter than an attempt may
// take would free a live instance's job and send it twice: the bound is never less than
// FORWARD_TIMEOUT_MS and a margin for reading the stored bytes and recording the attempt.
// Recovery after a crash takes the bound plus at most a quarter of it (the check's interval).

const ATTEMPT_MARGIN_SECONDS = 2;

export function staleLockSeconds(config: { FORWARD_LOCK_TIMEOUT_SECONDS: number; FORWARD_TIMEOUT_MS: number }): number {
  return Math.max(config.FORWARD_LOCK_TIMEOUT_SECONDS, Math.ceil(config.FORWARD_TIMEOUT_MS / 1000) + ATTEMPT_MARGIN_SECONDS);
}

export function startStaleLockRelease(): void {
  const lockSeconds = staleLockSeconds(getConfig());
  startPeriodicJob("forwarding-locks", Math.max(1000, (lockSeconds * 1000) / 4), async () => {
    const released = await releaseStaleForwardLocks(lockSeconds);
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
