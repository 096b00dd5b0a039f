// Runs once when each app server starts (Next.js instrumentation). Background work that every
// instance does for itself starts here: the retention purge (lib/retention).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startRetentionJob } = await import("./lib/retention/start-retention-job.ts");
  startRetentionJob();
}
