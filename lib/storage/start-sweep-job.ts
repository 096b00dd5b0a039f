import { getConfig } from "../config.ts";
import { startPeriodicJob } from "../jobs/start-periodic-job.ts";
import { getStorage } from "./configured-store.ts";
import { sweepOrphans } from "./sweep-orphans.ts";

// Started once per app process (instrumentation.ts); the sweep's advisory lock lets one
// instance at a time work.

export function startSweepJob(intervalMs: number = getConfig().BLOB_SWEEP_INTERVAL_SECONDS * 1000): void {
  startPeriodicJob("blob sweep", intervalMs, async () => {
    const result = await sweepOrphans(await getStorage());
    if (result.status !== "done" || result.rows + result.blobs + result.temporaryFiles === 0) return null;
    return `removed ${result.blobs} unreferenced blobs, ${result.rows} unreferenced blob rows and ${result.temporaryFiles} temporary files`;
  });
}
