import type { Runner } from "graphile-worker";
import { getConfig } from "../config.ts";
import { forwardDelivery } from "./forward-delivery.ts";
import { startJobQueue } from "./job-queue.ts";
import { startStaleLockRelease } from "./release-stale-locks.ts";

// Every app instance runs forwarding workers (lib/server/serve.ts starts and stops them); the
// queue hands each job to one of them. Jobs are in PostgreSQL, so nothing waits in memory.

let runner: Runner | null = null;

export async function startForwarding(): Promise<void> {
  const config = getConfig();
  if (runner || !config.DATABASE_URL) return;
  runner = await startJobQueue({
    connectionString: config.DATABASE_URL,
    concurrency: config.FORWARD_CONCURRENCY,
    pollInterval: config.FORWARD_POLL_INTERVAL_MS,
    forward: forwardDelivery,
  });
  startStaleLockRelease();
}

/** Lets running attempts finish (each is bounded by FORWARD_TIMEOUT_MS), then stops. */
export async function stopForwarding(): Promise<void> {
  const stopping = runner;
  runner = null;
  await stopping?.stop().catch((error: Error) => console.warn(`forwarding: stop failed: ${error.message}`));
}
