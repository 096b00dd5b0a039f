import { getConfig } from "../config.ts";
import { runRetentionPurge } from "./run-retention-purge.ts";

// Started once per app process (instrumentation.ts). Runs are chained, never overlapping in
// one process; across instances the purge's advisory lock takes turns. A failed run (say,
// the database is restarting) is logged and the next one tries again.

const FIRST_RUN_MAX_DELAY_MS = 30_000;

const globalForRetention = globalThis as typeof globalThis & { webhookInboxRetentionJob?: NodeJS.Timeout };

export function startRetentionJob(intervalMs: number = getConfig().RETENTION_INTERVAL_SECONDS * 1000): void {
  if (globalForRetention.webhookInboxRetentionJob) return;
  const schedule = (delayMs: number) => {
    // unref: a pending purge never keeps the process from exiting.
    globalForRetention.webhookInboxRetentionJob = setTimeout(() => void tick(), delayMs).unref();
  };
  const tick = async () => {
    try {
      const result = await runRetentionPurge();
      if (result.status === "done" && (result.quarantine.bodies > 0 || result.images.images > 0)) {
        console.log(`retention: removed ${result.quarantine.bodies} quarantined bodies and ${result.images.images} images (${result.bytesFreed} bytes)`);
      }
    } catch (error) {
      // The message only: a database error can carry the query's parameters.
      console.warn(`retention: purge failed, will retry: ${error instanceof Error ? error.message.split("\n")[0] : "unknown error"}`);
    } finally {
      schedule(intervalMs);
    }
  };
  schedule(Math.min(intervalMs, FIRST_RUN_MAX_DELAY_MS));
}
