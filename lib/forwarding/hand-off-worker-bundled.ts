// The hand-off thread (lib/forwarding/hand-off-thread.ts) when the app runs from its bundles
// (scripts/lib/build-servers.ts bundles this file with what it imports). `npm run dev` and tests
// use hand-off-worker.mjs, which loads the TypeScript itself.
import { type HandOffTask, sendHandedOff } from "./hand-off-send.ts";

/** A null task only warms the thread up. */
export default function run(task: HandOffTask | null) {
  return task ? sendHandedOff(task) : true;
}
