import { execFileSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { ensureBuilt } from "../scripts/lib/ensure-built.ts";
import { CLUSTER_TEMPLATE_VARIABLE } from "./helpers/cluster-template-variable.ts";

// Integration tests run the built app, as `npm start` does; build it first if it is stale.
// Then one migrated PostgreSQL cluster for test files to copy (test/helpers/test-database.ts),
// made in a process of its own (test/make-cluster-template.ts says why); the variable reaches
// the test workers, which vitest starts after this.
export default async function setup(): Promise<() => Promise<void>> {
  await ensureBuilt();
  const template = execFileSync(process.execPath, ["--import", "tsx", "test/make-cluster-template.ts"], { encoding: "utf8" }).trim();
  process.env[CLUSTER_TEMPLATE_VARIABLE] = template;
  return () => rm(template, { recursive: true, force: true });
}
