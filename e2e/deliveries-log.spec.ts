import { generateKeyPairSync } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { expect, lastLine, test } from "./fixtures/app.ts";
import { postEdenai, postMaskit, postRaw } from "./fixtures/deliveries.ts";
import { signIn, takeScreenshots } from "./fixtures/pages.ts";
import { makeJpeg } from "../test/helpers/images.ts";

// What an operator watches all day: every delivery with its status and why it was refused,
// filtered in the URL, paged, new arrivals at the top without a reload, and the filtered set
// as a CSV file. Screenshots at desktop and phone widths go to the test's output folder.

const ADMIN = { email: "admin@example.com", password: "a long enough admin password" };
const FAILED_REASON = "X-Signature matches none of the 1 active secret(s)";
const REJECTED_REASON = 'Content-Type must be multipart/form-data with a boundary, not "text/plain"';

test.use({ viewport: { width: 1440, height: 900 } });

test("an operator reads, filters, pages, watches and exports the delivery log", async ({ app, page }) => {
  app.cli(["user", "add", "--email", ADMIN.email, "--role", "admin"], `${ADMIN.password}\n`);
  const secret = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "lobby-camera", "--name", "Lobby camera", "--generate"]));
  const eden = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyFile = test.info().outputPath("eden-public.pem");
  await writeFile(keyFile, eden.publicKey.export({ type: "spki", format: "pem" }));
  app.cli(["source", "add", "--kind", "edenai", "--slug", "eden-jobs", "--name", "Eden AI jobs", "--public-key-file", keyFile]);
  const photo = await makeJpeg(640, 480);
  const send = (metadata: string, key = secret) => postMaskit(app.baseUrl, "lobby-camera", key, photo, metadata);

  const verified = await send("lobby / frame 0001");
  const failed = await send("lobby / frame 0002", "whsec_an-old-secret-nobody-has-000000");
  const rejected = await postRaw(app.baseUrl, "lobby-camera", Buffer.from("frame 0003 as plain text"), { "content-type": "text/plain", "x-signature": "00" });

  await page.goto(`${app.baseUrl}/deliveries`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fdeliveries/);
  await signIn(page, ADMIN);
  // Sign-in returns to the page that sent there.
  await expect(page).toHaveURL(/\/deliveries$/);

  // Newest first, each with its badge and reason, each opening the inspector.
  const log = page.getByRole("table", { name: "Deliveries" });
  const rows = log.locator("tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText("rejected");
  await expect(rows.nth(0)).toContainText("415");
  await expect(rows.nth(0)).toContainText(REJECTED_REASON);
  await expect(rows.nth(1)).toContainText("failed");
  await expect(rows.nth(1)).toContainText("401");
  await expect(rows.nth(1)).toContainText(FAILED_REASON);
  await expect(rows.nth(1)).toContainText("lobby / frame 0002");
  await expect(rows.nth(2)).toContainText("verified");
  await expect(rows.nth(2)).toContainText("lobby / frame 0001");
  await expect(rows.nth(2)).toContainText("lobby-camera");
  await expect(rows.nth(2)).toContainText("secret");
  await expect(rows.nth(2).getByRole("link", { name: /^Inspect the delivery of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/ })).toHaveAttribute(
    "href",
    `/deliveries/${verified.id}`,
  );
  await expect(rows.nth(0).getByRole("link")).toHaveAttribute("href", `/deliveries/${rejected.id}`);
  // The long reason is cut to one line; the whole of it opens on a click (and on hover, as a title).
  const longReason = rows.nth(0).getByText(REJECTED_REASON);
  await longReason.click();
  await expect(rows.nth(0).locator("details")).toHaveAttribute("open", "");
  await expect(page).toHaveURL(/\/deliveries$/);
  await takeScreenshots(page, "deliveries");

  // Filters live in the URL.
  await page.getByLabel("Status").selectOption("failed");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=failed/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("lobby / frame 0002");
  await expect(page.getByLabel("Status")).toHaveValue("failed");

  await page.getByRole("link", { name: "Clear" }).click();
  await expect(page).toHaveURL(/\/deliveries$/);
  await page.getByLabel("Search").fill("FRAME 0001");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=FRAME\+0001/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("lobby / frame 0001");

  await page.getByLabel("Search").fill("");
  await page.getByLabel("Source").selectOption("lobby-camera");
  await page.getByLabel("From (UTC)").fill("2000-01-01");
  await page.getByLabel("To (UTC)").fill("2000-01-31");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/source=lobby-camera.*from=2000-01-01&to=2000-01-31/);
  await expect(page.getByText("No deliveries match these filters.")).toBeVisible();

  // Keyset pages: Older, and back to Newest.
  await page.goto(`${app.baseUrl}/deliveries?limit=2`);
  await expect(rows).toHaveCount(2);
  await page.getByRole("link", { name: "Older →" }).click();
  await expect(page).toHaveURL(/cursor=.*&|limit=2&cursor=/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("lobby / frame 0001");
  await page.getByRole("link", { name: "← Newest" }).click();
  await expect(page).not.toHaveURL(/cursor=/);
  await expect(rows).toHaveCount(2);

  // Live: a new delivery appears at the top of the open page, without a reload.
  await page.goto(`${app.baseUrl}/deliveries`);
  await expect(rows).toHaveCount(3);
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const job = await postEdenai(app.baseUrl, "eden-jobs", eden.privateKey, {
    job_id: "job-7f3a-live",
    status: "success",
    provider: "google",
    feature: "image",
    subfeature: "object_detection",
    output: { items: [] },
  });
  expect(job.status).toBe("verified");
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toContainText("job-7f3a-live");
  await expect(rows.first()).toContainText("image / object_detection");
  await expect(rows.first()).toContainText("eden-jobs");
  await expect(rows.first().getByRole("link")).toHaveAttribute("href", `/deliveries/${job.id}`);
  await expect(page.getByRole("status").filter({ hasText: "New verified delivery from eden-jobs" })).toHaveCount(1);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  await takeScreenshots(page, "deliveries-live");

  // Live under a filter: only arrivals that match it.
  await page.getByLabel("Status").selectOption("failed");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=failed/);
  await expect(rows).toHaveCount(1);
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  await send("lobby / frame 0005");
  const failedAgain = await send("lobby / frame 0006", "whsec_an-old-secret-nobody-has-000000");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("lobby / frame 0006");
  await expect(log).not.toContainText("lobby / frame 0005");
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

  // The export carries the page's filters, and holds exactly its rows.
  const exportLink = page.getByRole("link", { name: "Export CSV" });
  await expect(exportLink).toHaveAttribute("href", "/api/deliveries/export?status=failed");
  const [download] = await Promise.all([page.waitForEvent("download"), exportLink.click()]);
  expect(download.suggestedFilename()).toMatch(/^deliveries-\d{4}-\d\d-\d\d\.csv$/);
  const csv = (await readFile((await download.path())!, "utf8")).split("\r\n");
  expect(csv[0]).toBe("id,received_at,source,status,http_status,reason,metadata,job_id,body_size,matched_credential,image_sha256,reverified_at,reverified_by");
  expect(csv.slice(1, -1).map((line) => line.split(",")[0])).toEqual([failedAgain.id, failed.id]);
  expect(csv[1]).toContain(",lobby-camera,failed,401,");
  expect(csv.at(-1)).toBe("");
  await takeScreenshots(page, "deliveries-filtered");
});
