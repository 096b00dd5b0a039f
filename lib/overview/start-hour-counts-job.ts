import { getPool } from "../db.ts";
import { startPeriodicJob } from "../jobs/start-periodic-job.ts";
import { compactHourCounts } from "./compact-hour-counts.ts";

// Started once per app process (instrumentation.ts). Instances may compact at the same time
// (compact-hour-counts.ts says why that is safe); a minute keeps the rollup to about one row
// per (source, hour, status) plus a minute of appended rows.

const COMPACT_INTERVAL_MS = 60_000;

export function startHourCountsJob(intervalMs = COMPACT_INTERVAL_MS): void {
  startPeriodicJob("hour counts", intervalMs, async () => {
    await compactHourCounts(getPool());
    return null;
  });
}
