// Runs once when each app server starts (Next.js instrumentation). Background work that every
// instance does for itself starts here: the retention purge (lib/retention) and the sweep of
// unreferenced blobs (lib/storage), and alert evaluation and sending (lib/alerts).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startRetentionJob } = await import("./lib/retention/start-retention-job.ts");
  const { startSweepJob } = await import("./lib/storage/start-sweep-job.ts");
  const { startAlertsJob } = await import("./lib/alerts/start-alerts-job.ts");
  startRetentionJob();
  startSweepJob();
  startAlertsJob();
}
