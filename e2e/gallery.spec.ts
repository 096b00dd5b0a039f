import { createHash, generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { expect, lastLine, test } from "./fixtures/app.ts";
import { postEdenai, postMaskit } from "./fixtures/deliveries.ts";
import { signIn, takeScreenshots } from "./fixtures/pages.ts";
import { makeJpeg, makePng } from "../test/helpers/images.ts";

// The first complete path: an operator signs in, MaskIt posts a signed image, the operator
// sees it in the gallery. The app runs on its embedded PostgreSQL, as after `npm start`.

test("a signed MaskIt delivery appears in the gallery", async ({ app, page }) => {
  app.cli(["user", "add", "--email", "operator@example.com", "--role", "viewer"], "correct horse battery staple\n");
  const secret = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "lobby-camera", "--name", "Lobby camera", "--generate"]));

  await page.goto(`${app.baseUrl}/gallery`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fgallery/);
  await signIn(page, { email: "operator@example.com", password: "wrong password entirely" }, { refused: true });
  await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  await signIn(page, { email: "operator@example.com", password: "correct horse battery staple" });
  await expect(page).toHaveURL(/\/gallery$/);
  await expect(page.getByText("No verified images yet")).toBeVisible();

  const delivery = await postMaskit(app.baseUrl, "lobby-camera", secret, await makeJpeg(1920, 1080), "lobby / 2026-11-22 / frame 0042");
  expect(delivery.httpStatus).toBe(200);

  await page.reload();
  const card = page.getByRole("list", { name: "Verified images" }).getByRole("listitem");
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("lobby / 2026-11-22 / frame 0042");
  await expect(card).toContainText("1920×1080");
  const thumbnail = card.getByRole("img");
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);
  await page.screenshot({ path: test.info().outputPath("gallery.png"), fullPage: true });
});

test("an image carried by a signed Eden AI job result appears in the gallery", async ({ app, page }) => {
  const keyFile = test.info().outputPath("eden-public.pem");
  const eden = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(keyFile, eden.publicKey.export({ type: "spki", format: "pem" }));
  app.cli(["source", "add", "--kind", "edenai", "--slug", "eden-images", "--public-key-file", keyFile]);
  app.cli(["user", "add", "--email", "second@example.com", "--role", "admin"], "another long enough password\n");

  const png = await makePng(200, 150);
  const job = await postEdenai(app.baseUrl, "eden-images", eden.privateKey, {
    job_id: "gen-0001",
    status: "success",
    provider: "openai",
    feature: "image",
    subfeature: "generation",
    output: { items: [{ image: png.toString("base64") }] },
  });
  expect(job.httpStatus).toBe(200);

  await signIn(page, { email: "second@example.com", password: "another long enough password" }, { url: `${app.baseUrl}/sign-in` });
  const card = page.getByRole("list", { name: "Verified images" }).getByRole("listitem").filter({ hasText: "gen-0001" });
  await expect(card).toContainText("image gen-0001");
  await expect(card).toContainText("200×150");
  await expect.poll(() => card.getByRole("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(200);
  await page.screenshot({ path: test.info().outputPath("gallery-edenai.png"), fullPage: true });
});

test("an operator scrolls, filters, opens the lightbox and sees a duplicate collapsed", async ({ app, page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  app.cli(["user", "add", "--email", "admin@example.com", "--role", "admin"], "a long enough admin password\n");
  const lobby = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "lobby-camera", "--name", "Lobby camera", "--generate"]));
  const dock = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "dock-camera", "--name", "Dock camera", "--generate"]));
  // 64 distinct images, then one image twice: 65 tiles, more than the first page's 60.
  for (let frame = 0; frame < 64; frame++) {
    await postMaskit(app.baseUrl, "lobby-camera", lobby, await makeJpeg(96, 72, { seed: frame + 10 }), `lobby / frame ${String(frame).padStart(4, "0")}`);
  }
  const crate = await makeJpeg(800, 600, { seed: 3 });
  const firstCrate = await postMaskit(app.baseUrl, "dock-camera", dock, crate, "dock / crate 1");
  const secondCrate = await postMaskit(app.baseUrl, "dock-camera", dock, crate, "dock / crate 2");
  const forged = await postMaskit(app.baseUrl, "dock-camera", "whsec_not-the-dock-secret-0000000000", await makeJpeg(96, 72, { seed: 999 }), "dock / forged");
  expect([firstCrate.httpStatus, secondCrate.httpStatus, forged.httpStatus]).toEqual([200, 200, 401]);

  await page.goto(`${app.baseUrl}/sign-in?next=%2Fgallery`);
  await signIn(page, { email: "admin@example.com", password: "a long enough admin password" });
  await expect(page).toHaveURL(/\/gallery$/);
  const grid = page.getByRole("list", { name: "Verified images" });
  const tiles = grid.getByRole("listitem");
  await expect(tiles).toHaveCount(60);
  // The duplicate is one tile, at its newest delivery, with its count; the forged one is nowhere.
  await expect(tiles.first()).toContainText("dock / crate 2");
  await expect(tiles.first()).toContainText("×2");
  await expect(grid).not.toContainText("dock / crate 1");
  await expect(grid).not.toContainText("dock / forged");
  await expect(tiles.nth(1)).not.toContainText("deliveries of this image");
  await takeScreenshots(page, "gallery");

  // Infinite scroll: nearing the end of the grid loads the next keyset page.
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const nextPage = page.waitForResponse((response) => /\/api\/gallery\?.*cursor=/.test(response.url()));
  await page.getByRole("button", { name: "Load more images" }).scrollIntoViewIfNeeded();
  expect((await nextPage).status()).toBe(200);
  await expect(tiles).toHaveCount(65);
  await expect(tiles.last()).toContainText("lobby / frame 0000");
  await expect(page.getByRole("button", { name: "Load more images" })).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

  // The lightbox: the full image and its facts, keyboard to move, Escape to close.
  await page.evaluate(() => window.scrollTo(0, 0));
  await tiles.first().getByRole("button").click();
  const dialog = page.getByRole("dialog", { name: "dock / crate 2" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Close" })).toBeFocused();
  await expect(dialog).toContainText(createHash("sha256").update(crate).digest("hex"));
  await expect(dialog).toContainText("800×600 px");
  await expect(dialog).toContainText("dock-camera");
  await expect(dialog).toContainText("2 (the newest is shown)");
  await expect(dialog).toContainText(formatKb(crate.length));
  await expect(dialog).toContainText("1 of 65");
  await expect(dialog.getByRole("link", { name: "Open the delivery" })).toHaveAttribute("href", `/deliveries/${secondCrate.id}`);
  const download = dialog.getByRole("link", { name: "Download" });
  await expect(download).toHaveAttribute("href", /^\/api\/images\/[0-9a-f-]{36}\?download=1$/);
  const original = await page.request.get(`${app.baseUrl}${await download.getAttribute("href")}`);
  expect(Buffer.from(await original.body()).equals(crate)).toBe(true);
  expect(original.headers()["content-disposition"]).toMatch(/^attachment; filename="/);
  // The lightbox shows the display rendition: for an 800x600 JPEG that is the original itself.
  await expect(dialog.getByRole("img")).toHaveAttribute("src", /\/display$/);
  const ranged = await page.request.get(`${app.baseUrl}${await download.getAttribute("href")}`, { headers: { range: "bytes=0-99" } });
  expect(ranged.status()).toBe(206);
  expect(Buffer.from(await ranged.body()).equals(crate.subarray(0, 100))).toBe(true);
  await expect.poll(() => dialog.getByRole("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(800);
  await takeScreenshots(page, "gallery-lightbox", { fullPage: false });
  await page.keyboard.press("ArrowLeft");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("ArrowRight");
  const next = page.getByRole("dialog", { name: "lobby / frame 0063" });
  await expect(next).toBeVisible();
  await expect(next).toContainText("2 of 65");
  await expect(next).toContainText("96×72 px");
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("dialog", { name: "lobby / frame 0062" })).toBeVisible();
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByRole("dialog", { name: "dock / crate 2" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(tiles.first().getByRole("button")).toBeFocused();

  // Filters live in the URL; the count is of the deliveries that match them.
  await page.getByLabel("Source").selectOption("dock-camera");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/\/gallery\?source=dock-camera/);
  await expect(tiles).toHaveCount(1);
  await expect(tiles.first()).toContainText("×2");
  await expect(page.getByLabel("Status")).toHaveCount(0);
  await page.getByLabel("Search").fill("CRATE 1");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/source=dock-camera&q=CRATE\+1/);
  await expect(tiles).toHaveCount(1);
  await expect(tiles.first()).toContainText("dock / crate 1");
  await expect(tiles.first()).not.toContainText("deliveries of this image");
  await page.getByLabel("Search").fill("");
  await page.getByLabel("From (UTC)").fill("2000-01-01");
  await page.getByLabel("To (UTC)").fill("2000-01-31");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/source=dock-camera&q=&from=2000-01-01&to=2000-01-31/);
  await expect(page.getByText("No images match these filters.")).toBeVisible();
  await takeScreenshots(page, "gallery-no-match");
  await page.goto(`${app.baseUrl}/gallery?from=2026-02-30`);
  await expect(page.getByRole("alert").filter({ hasText: "These filters cannot be used" })).toContainText("use a date like");

  // Live under a filter: only arrivals that match it, at the top, highlighted for a moment.
  await page.goto(`${app.baseUrl}/gallery?source=dock-camera`);
  await expect(tiles).toHaveCount(1);
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  await postMaskit(app.baseUrl, "lobby-camera", lobby, await makeJpeg(96, 72, { seed: 500 }), "lobby / live frame");
  const pallet = await postMaskit(app.baseUrl, "dock-camera", dock, await makeJpeg(120, 90, { seed: 501 }), "dock / live pallet");
  await expect(tiles).toHaveCount(2);
  await expect(tiles.first()).toContainText("dock / live pallet");
  await expect(tiles.first()).toHaveAttribute("data-delivery-id", pallet.id);
  await expect(tiles.first()).toHaveAttribute("data-new", "true");
  await expect(grid).not.toContainText("lobby / live frame");
  // The same image again: its tile moves to the top with the new count, not a second tile.
  await postMaskit(app.baseUrl, "dock-camera", dock, crate, "dock / crate 3");
  await expect(tiles.first()).toContainText("dock / crate 3");
  await expect(tiles.first()).toContainText("×3");
  await expect(tiles).toHaveCount(2);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
});

function formatKb(bytes: number): string {
  return `${Math.round(bytes / 1024)} KB`;
}
