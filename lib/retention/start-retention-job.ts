import { getConfig } from "../config.ts";
import { startPeriodicJob } from "../jobs/start-periodic-job.ts";
import { runRetentionPurge } from "./run-retention-purge.ts";

// Started once per app process (instrumentation.ts); the purge's advisory lock lets one
// instance at a time work.

export function startRetentionJob(intervalMs: number = getConfig().RETENTION_INTERVAL_SECONDS * 1000): void {
  startPeriodicJob("retention", intervalMs, async () => {
    const result = await runRetentionPurge();
    if (result.status !== "done" || (result.quarantine.bodies === 0 && result.images.images === 0)) return null;
    return `removed ${result.quarantine.bodies} quarantined bodies and ${result.images.images} images (${result.bytesFreed} bytes)`;
  });
}
