import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { expect, lastLine, test, type AppFixture } from "./fixtures/app.ts";
import { postMaskit } from "./fixtures/deliveries.ts";
import { signIn, takeScreenshots } from "./fixtures/pages.ts";
import { makeJpeg } from "../test/helpers/images.ts";

// An admin reads the overview (counts, failure rate and the hourly chart of a busy source),
// sets a silence alert on a source that went quiet and sees the warning, watches a new
// delivery arrive without reloading, and sets the retention periods on /settings.

const ADMIN = { email: "admin@example.com", password: "a long enough admin password" };

test("an admin reads the overview, sets a silence alert, and sets retention", async ({ app, page }) => {
  app.cli(["user", "add", "--email", ADMIN.email, "--role", "admin"], `${ADMIN.password}\n`);
  const lobbySecret = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "lobby-camera", "--name", "Lobby camera", "--generate"]));
  const yardSecret = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "yard-camera", "--name", "Yard camera", "--generate"]));
  for (let index = 0; index < 3; index++) expect(await postFrame(app, "lobby-camera", lobbySecret, index)).toBe(200);
  expect(await postFrame(app, "lobby-camera", lobbySecret, 3, { isTampered: true })).toBe(401);
  expect(await postFrame(app, "yard-camera", yardSecret, 4)).toBe(200);
  // The yard camera's last delivery, three hours ago.
  await sql(app, "UPDATE deliveries SET received_at = now() - interval '3 hours' WHERE source_id = (SELECT id FROM sources WHERE slug = 'yard-camera')");

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${app.baseUrl}/overview`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Foverview/);
  await signIn(page, ADMIN);
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
  await takeScreenshots(page, "overview", { noSideScrollAt: [390] });

  // A new delivery shows up without a reload, and ends the silence.
  expect(await postFrame(app, "yard-camera", yardSecret, 5)).toBe(200);
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

  // The quarantine quota per source: 1 GiB until changed.
  const quota = page.getByLabel("Quarantine per source");
  await expect(quota).toHaveValue("1024");
  await quota.fill("256");
  await page.getByRole("button", { name: "Save quota" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved. It applies to the next failed delivery.");
  await page.reload();
  await expect(page.getByLabel("Quarantine per source")).toHaveValue("256");
  await takeScreenshots(page, "settings", { noSideScrollAt: [390] });

  await page.goto(`${app.baseUrl}/audit`);
  await expect(page.getByText("settings.retention").first()).toBeVisible();
  await expect(page.getByText("settings.quarantine_quota").first()).toBeVisible();
  await expect(page.getByText("source.silence_alert").first()).toBeVisible();
});

/** Frame `seed` of a camera, as MaskIt posts it; answers the HTTP status. */
async function postFrame(app: AppFixture, slug: string, secret: string, seed: number, options: { isTampered?: boolean } = {}): Promise<number> {
  const delivered = await postMaskit(app.baseUrl, slug, secret, await makeJpeg(320, 240, { seed }), `frame ${seed}`, { fileName: `${seed}.jpg`, ...options });
  return delivered.httpStatus;
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
