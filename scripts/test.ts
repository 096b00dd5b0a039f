// `npm test`: the type check and the linter (Biome: formatting and lint rules), then every test, in order: unit and integration (vitest, against
// real PostgreSQL and the built app), then browser end-to-end (Playwright driving Chromium). Ends with one summary
// line, "N passed, N failed", counted from both runners' JSON reports.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureBuilt } from "./lib/ensure-built.ts";

// Not under test-results/: Playwright empties that folder when it starts.
const REPORT_DIR = mkdtempSync(path.join(os.tmpdir(), "webhook-inbox-reports-"));
const VITEST_REPORT = path.join(REPORT_DIR, "vitest.json");
const PLAYWRIGHT_REPORT = path.join(REPORT_DIR, "playwright.json");

await ensureBuilt();
if (run("node_modules/typescript/bin/tsc", ["--noEmit"]) !== 0) {
  console.log("\ntypecheck failed: no tests were run");
  console.log("tests: 0 passed, 1 failed");
  process.exit(1);
}
// A lint or formatting finding fails the run, but the tests still run: they say more.
const lint = run("node_modules/@biomejs/biome/bin/biome", ["ci", "."]);
if (lint !== 0) console.log("\nlint failed (`npm run format` fixes formatting; see the findings above)");
const extraArgs = process.argv.slice(2);
const vitest = run("node_modules/vitest/vitest.mjs", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${VITEST_REPORT}`, ...extraArgs]);
const playwright = run("node_modules/@playwright/test/cli.js", ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: PLAYWRIGHT_REPORT });

const unit = readVitest();
const e2e = readPlaywright();
const passed = unit.passed + e2e.passed;
const failed = unit.failed + e2e.failed + (vitest !== 0 && unit.failed === 0 ? 1 : 0) + (playwright !== 0 && e2e.failed === 0 ? 1 : 0) + (lint !== 0 ? 1 : 0);
console.log(`\nvitest: ${unit.passed} passed, ${unit.failed} failed; playwright: ${e2e.passed} passed, ${e2e.failed} failed`);
console.log(`tests: ${passed} passed, ${failed} failed`);
rmSync(REPORT_DIR, { recursive: true, force: true });
process.exit(vitest === 0 && playwright === 0 && lint === 0 ? 0 : 1);

function run(script: string, args: string[], env: Record<string, string> = {}): number {
  const result = spawnSync(process.execPath, [script, ...args], { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readVitest(): { passed: number; failed: number } {
  try {
    const report = JSON.parse(readFileSync(VITEST_REPORT, "utf8"));
    return { passed: report.numPassedTests, failed: report.numFailedTests };
  } catch {
    return { passed: 0, failed: 0 };
  }
}

function readPlaywright(): { passed: number; failed: number } {
  try {
    const { stats } = JSON.parse(readFileSync(PLAYWRIGHT_REPORT, "utf8"));
    return { passed: stats.expected + stats.flaky, failed: stats.unexpected };
  } catch {
    return { passed: 0, failed: 0 };
  }
}
