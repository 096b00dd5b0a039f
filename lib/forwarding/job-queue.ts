import pg from "pg";
import { Logger, run, runMigrations, type Runner, type Task } from "graphile-worker";
import { FORWARD_TASK, type ForwardJob } from "./forward-job.ts";

// The forwarding queue is graphile-worker 0.16 (a PostgreSQL job queue; 0.17+ and pg-boss 11+
// need Node 22). Chosen over pg-boss 10 because its jobs are added by a plain SQL function,
// `graphile_worker.add_jobs(...)`, that runs inside our own transaction: the receiver's group
// commit enqueues a batch's forwards in the statement that also writes them (enqueue-forwards.ts),
// so a delivery answered 200 always has its jobs. New jobs wake workers by LISTEN/NOTIFY; retries
// set for later are found by polling. Its tables live in their own schema, `graphile_worker`.

/** Creates or upgrades the `graphile_worker` schema (the library's own migrations, under its own lock). */
export async function migrateJobQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: quietLogger() });
  // The forward task's row, which add_jobs would create on first use: the receiver's handed-off
  // jobs (enqueue-forwards.ts) are inserted without add_jobs and look it up.
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("INSERT INTO graphile_worker._private_tasks (identifier) VALUES ($1) ON CONFLICT DO NOTHING", [FORWARD_TASK]);
  } finally {
    await client.end();
  }
}

export interface QueueOptions {
  connectionString: string;
  concurrency: number;
  pollInterval: number;
  forward: (job: ForwardJob, helpers: Parameters<Task>[1]) => Promise<void>;
}

export async function startJobQueue(options: QueueOptions): Promise<Runner> {
  return run({
    connectionString: options.connectionString,
    // Its own pool: a busy queue must not take the receiver's connections.
    maxPoolSize: options.concurrency + 2,
    concurrency: options.concurrency,
    pollInterval: options.pollInterval,
    noHandleSignals: true, // lib/server/serve.ts stops it with the app server
    logger: quietLogger(),
    taskList: { [FORWARD_TASK]: (payload, helpers) => options.forward(payload as ForwardJob, helpers) },
  });
}

/** Warnings and errors only: every job's start and finish would flood the app's log. */
function quietLogger() {
  return new Logger((scope) => (level, message) => {
    if (level === "error" || level === "warning") console.warn(`forwarding queue: ${message}${scope.taskIdentifier ? ` (${scope.taskIdentifier})` : ""}`);
  });
}
