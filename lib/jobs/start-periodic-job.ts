// Background work that every app instance runs for itself (instrumentation.ts): the retention
// purge, the blob sweep. Runs are chained, never overlapping in one process; across instances
// each job's own advisory lock takes turns. A failed run (say, the database is restarting) is
// logged and the next one tries again.

const FIRST_RUN_MAX_DELAY_MS = 30_000;

const globalForJobs = globalThis as typeof globalThis & { webhookInboxJobs?: Map<string, NodeJS.Timeout> };

/** `run` answers a line to log, or null when there is nothing to say. */
export function startPeriodicJob(name: string, intervalMs: number, run: () => Promise<string | null>): void {
  const jobs = (globalForJobs.webhookInboxJobs ??= new Map());
  if (jobs.has(name)) return;
  const schedule = (delayMs: number) => {
    // unref: a pending run never keeps the process from exiting.
    jobs.set(name, setTimeout(() => void tick(), delayMs).unref());
  };
  const tick = async () => {
    try {
      const line = await run();
      if (line) console.log(`${name}: ${line}`);
    } catch (error) {
      // The message only: a database error can carry the query's parameters.
      console.warn(`${name}: failed, will retry: ${error instanceof Error ? error.message.split("\n")[0] : "unknown error"}`);
    } finally {
      schedule(intervalMs);
    }
  };
  schedule(Math.min(intervalMs, FIRST_RUN_MAX_DELAY_MS));
}
