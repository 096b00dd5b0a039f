import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import pg from "pg";
import { expect, lastLine, test, type AppFixture } from "./fixtures/app.ts";
import { signMaskitDelivery } from "../lib/senders/sign-maskit.ts";
import { makeJpeg } from "../test/helpers/images.ts";

// An admin reads the overview (counts, failure rate and the hourly chart of a busy source),
// sets a silence alert on a source that went quiet and sees the warning, watches a new
// delivery arrive without reloading, and sets the retention periods on /settings.

const ADMIN = { email: "admin@example.com", password: "a long enough admin password" };

test("an admin reads the overview, sets a silence alert, and sets retention", async ({ app, page }) => {
  app.cli(["user", "add", "--email", ADMIN.email, "--role", "admin"], `${ADMIN.password}\n`);
  const lobbySecret = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "lobby-camera", "--name", "Lobby camera", "--generate"]));
  const yardSecret = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "yard-camera", "--name", "Yard camera", "--generate"]));
  for (let index = 0; index < 3; index++) expect(await post(app, "lobby-camera", lobbySecret, index)).toBe(200);
  expect(await post(app, "lobby-camera", lobbySecret, 3, { isTampered: true })).toBe(401);
  expect(await post(app, "yard-camera", yardSecret, 4)).toBe(200);
  // The yard camera's last delivery, three hours ago.
  await sql(app, "UPDATE deliveries SET received_at = now() - interval '3 hours' WHERE source_id = (SELECT id FROM sources WHERE slug = 'yard-camera')");

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${app.baseUrl}/overview`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Foverview/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/);

  const lobby = page.getByRole("article", { name: "Lobby camera" });
  await expect(lobby.getByTestId("deliveries-24h")).toContainText("4 deliveries");
  await expect(lobby.getByTestId("failure-rate")).toContainText("25%");
  await expect(lobby).toContainText("just now");
  const chart = lobby.getByRole("img", { name: /Deliveries per hour, last 24 hours, lobby-camera/ });
  await expect(chart).toBeVisible();
  await expect(chart.locator('[data-kind="verified"]')).toHaveCount(1);
  await expect(chart.locator('[data-kind="unverified"]')).toHaveCount(1);

  // The yard camera has been quiet for 3 h: an alert at 2 h warns, one at 4 h does not.
  const yard = page.getByRole("article", { name: "Yard camera" });
  await expect(yard.getByTestId("silence-warning")).toHaveCount(0);
  const alertForm = yard.getByRole("form", { name: "Silence alert for Yard camera" });
  await alertForm.getByLabel("Unit").selectOption("hours");
  await alertForm.getByLabel("Amount").fill("4");
  await alertForm.getByRole("button", { name: "Save" }).click();
  await expect(alertForm.getByRole("status")).toHaveText("Warns after 4 h without a delivery.");
  await expect(yard.getByTestId("silence-warning")).toHaveCount(0);
  await alertForm.getByLabel("Amount").fill("2");
  await alertForm.getByRole("button", { name: "Save" }).click();
  await expect(alertForm.getByRole("status")).toHaveText("Warns after 2 h without a delivery.");
  await expect(yard.getByTestId("silence-warning")).toContainText("Silent for 3 h");
  await expect(yard.getByTestId("silence-warning")).toContainText("The alert is set at 2 h.");
  await expect(page.getByText("Yard camera has been silent longer than its alert threshold.")).toBeVisible();
  await shoot(page, "overview");

  // A new delivery shows up without a reload, and ends the silence.
  expect(await post(app, "yard-camera", yardSecret, 5)).toBe(200);
  await expect(yard.getByTestId("deliveries-24h")).toContainText("2 deliveries", { timeout: 15_000 });
  await expect(yard.getByTestId("silence-warning")).toHaveCount(0);

  // Retention.
  await page.goto(`${app.baseUrl}/settings`);
  const quarantine = page.getByRole("group", { name: "Quarantined raw bodies" });
  const images = page.getByRole("group", { name: "Delivered images" });
  await expect(quarantine.getByLabel("Keep forever")).toBeChecked();
  await expect(page.getByText("1 quarantined body")).toBeVisible();
  await quarantine.getByLabel("Delete after").check();
  await quarantine.getByLabel("Days to keep quarantined raw bodies").fill("30");
  await images.getByLabel("Delete after").check();
  // Out of range: the browser holds the form back (the server refuses it too: test/retention.test.ts).
  await images.getByLabel("Days to keep delivered images").fill("0");
  await page.getByRole("button", { name: "Save retention" }).click();
  expect(await images.getByLabel("Days to keep delivered images").evaluate((input: HTMLInputElement) => input.validity.rangeUnderflow)).toBe(true);
  await expect(page.getByRole("status")).toHaveCount(0);
  await images.getByLabel("Days to keep delivered images").fill("365");
  await page.getByRole("button", { name: "Save retention" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved. Expired items are removed within a few minutes.");
  await page.reload();
  await expect(quarantine.getByLabel("Days to keep quarantined raw bodies")).toHaveValue("30");
  await expect(images.getByLabel("Days to keep delivered images")).toHaveValue("365");
  await expect(images.getByLabel("Delete after")).toBeChecked();
  await shoot(page, "settings");

  await page.goto(`${app.baseUrl}/audit`);
  await expect(page.getByText("settings.retention").first()).toBeVisible();
  await expect(page.getByText("source.silence_alert").first()).toBeVisible();
});

async function post(app: AppFixture, slug: string, secret: string, seed: number, options: { isTampered?: boolean } = {}): Promise<number> {
  const signed = signMaskitDelivery({ image: await makeJpeg(320, 240, { seed }), mimeType: "image/jpeg", fileName: `${seed}.jpg`, metadata: `frame ${seed}`, secret, ...options });
  const response = await fetch(`${app.baseUrl}/api/webhooks/${slug}`, { method: "POST", body: new Uint8Array(signed.body), headers: signed.headers });
  return response.status;
}

/** Runs SQL on the app's embedded PostgreSQL (its address is recorded in DATA_DIR). */
async function sql(app: AppFixture, text: string): Promise<void> {
  const { port, password } = JSON.parse(await readFile(path.join(app.dataDir, "postgres.json"), "utf8"));
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "webhook_inbox" });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The page at 1440x900 and at 390x844, full length; a phone must not scroll sideways. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}-1440.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath(`${name}-390.png`), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1440, height: 900 });
}
