import { createHmac } from "node:crypto";
import { expect, lastLine, test } from "./fixtures/app.ts";
import { makeJpeg } from "../test/helpers/images.ts";
import { maskitBody } from "../test/helpers/multipart.ts";

// The first complete path: an operator signs in, MaskIt posts a signed image, the operator
// sees it in the gallery. The app runs on its embedded PostgreSQL, as after `npm start`.

test("a signed MaskIt delivery appears in the gallery", async ({ app, page }) => {
  app.cli(["user", "add", "--email", "operator@example.com", "--role", "viewer"], "correct horse battery staple\n");
  const secret = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "lobby-camera", "--name", "Lobby camera", "--generate"]));

  await page.goto(`${app.baseUrl}/gallery`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fgallery/);
  await page.getByLabel("Email").fill("operator@example.com");
  await page.getByLabel("Password").fill("wrong password entirely");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/gallery$/);
  await expect(page.getByText("No verified images yet")).toBeVisible();

  const delivery = maskitBody(await makeJpeg(1920, 1080), "lobby / 2026-11-22 / frame 0042");
  const signature = createHmac("sha256", secret).update(delivery.body).digest("hex");
  const response = await fetch(`${app.baseUrl}/api/webhooks/lobby-camera`, {
    method: "POST",
    body: new Uint8Array(delivery.body),
    headers: { "content-type": delivery.contentType, "x-signature": signature },
  });
  expect(response.status).toBe(200);

  await page.reload();
  const card = page.getByRole("list", { name: "Verified images" }).getByRole("listitem");
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("lobby / 2026-11-22 / frame 0042");
  await expect(card).toContainText("1920×1080");
  const thumbnail = card.getByRole("img");
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);
  await page.screenshot({ path: test.info().outputPath("gallery.png"), fullPage: true });
});
