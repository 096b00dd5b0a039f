import { defineConfig } from "@playwright/test";

// Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/fixtures/global-setup.ts",
  outputDir: "test-results",
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Each test starts an app of its own (e2e/fixtures/app.ts) on a copy of one migrated cluster
  // (e2e/fixtures/global-setup.ts), so tests can run side by side:
  // two at a time, one per core.
  fullyParallel: true,
  workers: 2,
  timeout: 120_000,
  // The JSON report (file named by PLAYWRIGHT_JSON_OUTPUT_NAME) feeds the summary of `npm test`.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
});
