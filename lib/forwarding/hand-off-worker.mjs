// The hand-off thread of lib/forwarding/hand-off-thread.ts outside the bundles. Plain JavaScript
// for the reason lib/json-analysis/json-worker.mjs gives: on Node 20 a worker thread gets
// neither the main thread's loader hooks nor its --import, so tsx is registered here first.
import { register } from "tsx/esm/api";

register();
const { sendHandedOff } = await import("./hand-off-send.ts");

/** A null task only warms the thread up. */
export default function run(task) {
  return task ? sendHandedOff(task) : true;
}
