// Runs once when each app server starts (Next.js instrumentation). Background work that every
// instance does for itself starts here: the retention purge (lib/retention), the sweep of
// unreferenced blobs (lib/storage), alert evaluation and sending (lib/alerts) and the folding of
// the hourly delivery counts (lib/overview).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startRetentionJob } = await import("./lib/retention/start-retention-job.ts");
  const { startSweepJob } = await import("./lib/storage/start-sweep-job.ts");
  const { startAlertsJob } = await import("./lib/alerts/start-alerts-job.ts");
  startRetentionJob();
  const { startHourCountsJob } = await import("./lib/overview/start-hour-counts-job.ts");
  startSweepJob();
  startAlertsJob();
  startHourCountsJob();
}
