import path from "node:path";
import Piscina from "piscina";
import type { HandOffTask } from "./hand-off-send.ts";

// The receiver's hand-off thread (./hand-off.ts): one worker thread that runs the handed-off
// attempts (./hand-off-send.ts), many at once (each mostly waits on its destination), with its
// own connection pool. One thread: the machine has two cores, and the receiver's event loop
// uses about one at full load. The task carries a copy of the bytes (structured clone): the
// receiver's own buffer is still used by the image's renditions.

const CONCURRENT_TASKS = 256;
// The bundled worker that `npm start` names (scripts/start.ts), or else the one that loads the
// TypeScript through tsx (`npm run dev`, tests), as lib/json-analysis/json-pool.ts does.
const WORKER_FILE =
  process.env.WEBHOOK_INBOX_HAND_OFF_WORKER || path.join(/* turbopackIgnore: true */ process.cwd(), "lib", "forwarding", "hand-off-worker.mjs");

let pool: Piscina | undefined;

function getThread(): Piscina {
  pool ??= new Piscina({
    filename: WORKER_FILE,
    minThreads: 1,
    maxThreads: 1,
    idleTimeout: Infinity,
    concurrentTasksPerWorker: CONCURRENT_TASKS,
    // By default an idle Piscina thread blocks in Atomics.wait until its next task, which froze
    // what a task leaves running: the batched recording of delivered attempts, socket timers.
    atomics: "disabled",
  });
  return pool;
}

/** Runs one handed-off attempt in the thread; false when its destination had no slot soon. */
export function runHandOff(task: HandOffTask): Promise<boolean> {
  return getThread().run(task);
}

/** Starts the thread and loads its code, so that the first delivery's forward does not wait for it. */
export async function warmHandOffThread(): Promise<void> {
  await getThread().run(null);
}
