// The worker thread of lib/json-analysis/json-pool.ts. Plain JavaScript, because Piscina loads
// it with a bare import(): the app server runs TypeScript through tsx (`node --import tsx`),
// but on Node 20 a worker thread gets neither the main thread's loader hooks nor its --import,
// so tsx is registered here before the TypeScript tasks are loaded.
import { register } from "tsx/esm/api";

register();
const tasks = await import("./json-tasks.ts");

export default function run(task) {
  return tasks.runJsonTask(task);
}
