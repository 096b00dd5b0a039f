import { rm } from "node:fs/promises";
import { ensureBuilt } from "../scripts/lib/ensure-built.ts";
import { CLUSTER_TEMPLATE_VARIABLE, makeClusterTemplate } from "./helpers/test-database.ts";

// Integration tests run the built app, as `npm start` does; build it first if it is stale.
// Then one migrated PostgreSQL cluster for test files to copy (test/helpers/test-database.ts);
// the variable reaches the test workers, which vitest starts after this.
export default async function setup(): Promise<() => Promise<void>> {
  await ensureBuilt();
  const template = await makeClusterTemplate();
  process.env[CLUSTER_TEMPLATE_VARIABLE] = template;
  return () => rm(template, { recursive: true, force: true });
}
