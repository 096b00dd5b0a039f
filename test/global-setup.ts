import { ensureBuilt } from "../scripts/lib/ensure-built.ts";
import { makeClusterTemplateForRun } from "./helpers/cluster-template.ts";

// Integration tests run the built app, as `npm start` does; build it first if it is stale.
// Then one migrated PostgreSQL cluster for test files to copy (test/helpers/cluster-template.ts);
// the variable that names it reaches the test workers, which vitest starts after this.
export default async function setup(): Promise<() => Promise<void>> {
  await ensureBuilt();
  return makeClusterTemplateForRun();
}
