// The worker thread of lib/json-analysis/json-pool.ts when the app runs from its bundles
// (scripts/lib/build-servers.ts bundles this file with the tasks it imports): no tsx to register,
// so a worker starts, and is replaced after a task past its budget, in a fraction of the time.
// `npm run dev` and tests in one process use json-worker.mjs, which loads the TypeScript itself.
import { type JsonTask, runJsonTask } from "./json-tasks.ts";

export default function run(task: JsonTask) {
  return runJsonTask(task);
}
