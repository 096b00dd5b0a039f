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

test("an image carried by a signed Eden AI job result appears in the gallery", async ({ app, page }) => {
  const keyFile = test.info().outputPath("eden-public.pem");
  const { generateKeyPairSync } = await import("node:crypto");
  const { writeFileSync } = await import("node:fs");
  const { canonicalForms } = await import("../lib/signatures/edenai-canonical.ts");
  const { signEdenaiPayload } = await import("../lib/signatures/edenai.ts");
  const { makePng } = await import("../test/helpers/images.ts");
  const eden = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(keyFile, eden.publicKey.export({ type: "spki", format: "pem" }));
  app.cli(["source", "add", "--kind", "edenai", "--slug", "eden-images", "--public-key-file", keyFile]);
  app.cli(["user", "add", "--email", "second@example.com", "--role", "admin"], "another long enough password\n");

  const png = await makePng(200, 150);
  const body = Buffer.from(JSON.stringify({ job_id: "gen-0001", status: "success", provider: "openai", feature: "image", subfeature: "generation", output: { items: [{ image: png.toString("base64") }] } }));
  const signature = signEdenaiPayload(canonicalForms(body)[0].bytes, eden.privateKey);
  const response = await fetch(`${app.baseUrl}/api/webhooks/eden-images`, { method: "POST", body: new Uint8Array(body), headers: { "content-type": "application/json", "x-edenai-signature": signature } });
  expect(response.status).toBe(200);

  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel("Email").fill("second@example.com");
  await page.getByLabel("Password").fill("another long enough password");
  await page.getByRole("button", { name: "Sign in" }).click();
  const card = page.getByRole("list", { name: "Verified images" }).getByRole("listitem").filter({ hasText: "gen-0001" });
  await expect(card).toContainText("image gen-0001");
  await expect(card).toContainText("200×150");
  await expect.poll(() => card.getByRole("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(200);
  await page.screenshot({ path: test.info().outputPath("gallery-edenai.png"), fullPage: true });
});
