import { generateKeyPairSync } from "node:crypto";
import type { Page } from "@playwright/test";
import { expect, lastLine, test } from "./fixtures/app.ts";
import { postMaskit } from "./fixtures/deliveries.ts";
import { signIn } from "./fixtures/pages.ts";
import { makeJpeg } from "../test/helpers/images.ts";

// An admin manages a MaskIt source's secrets in the browser, and what the page says is what
// the receiver does: the secret shown once verifies, both verify during a rotation, a revoked
// one answers 401. The secret appears in the page only in the answer that created it.
// Credential rows are found by a name anchored at their label: a row's accessible name also
// holds its fingerprint, which can itself read like "secret 2…" (a 1-in-16 flake, seen in CI).

const ADMIN = { email: "admin@example.com", password: "a long enough admin password" };
const VIEWER = { email: "viewer@example.com", password: "a long enough viewer password" };

test.use({ viewport: { width: 1440, height: 900 } });

test.beforeEach(async ({ app }) => {
  app.cli(["user", "add", "--email", ADMIN.email, "--role", "admin"], `${ADMIN.password}\n`);
  app.cli(["user", "add", "--email", VIEWER.email, "--role", "viewer"], `${VIEWER.password}\n`);
});

test("an admin creates a MaskIt source, rotates its secret and revokes the old one", async ({ app, page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.baseUrl });
  const token = lastLine(app.cli(["token", "create", "--name", "e2e reader", "--role", "viewer"]));
  const photo = await makeJpeg(640, 480, { seed: 3 });

  await page.goto(`${app.baseUrl}/sources`);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await signIn(page, ADMIN);
  await page.goto(`${app.baseUrl}/sources`);
  await expect(page.getByText("No sources yet")).toBeVisible();

  // Create, with the first secret generated and shown once.
  const newSource = page.getByRole("region", { name: "New source" });
  await newSource.getByLabel("MaskIt").check();
  await newSource.getByLabel("Slug").fill("front-door");
  await newSource.getByLabel("Name").fill("Front door");
  await expect(newSource.getByLabel("Generate the first shared secret now")).toBeChecked();
  await newSource.getByRole("button", { name: "Create source" }).click();
  const shownOnce = newSource.getByRole("region", { name: "New shared secret" });
  await expect(shownOnce).toContainText("It will not be shown again");
  const secret = (await shownOnce.getByLabel("Secret value").textContent())!.trim();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  await shownOnce.getByRole("button", { name: "Copy secret" }).click();
  await expect(shownOnce.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await newSource.screenshot({ path: test.info().outputPath("created-secret-1440.png") });

  const row = page.getByRole("row", { name: /Front door/ });
  await expect(row).toContainText(`${app.baseUrl}/api/webhooks/front-door`);
  await expect(row).toContainText("Enabled");

  const first = await postMaskit(app.baseUrl, "front-door", secret, photo, "first, with the generated secret");
  expect(first.httpStatus).toBe(200);

  await page.reload();
  await expect(row).toContainText("1 verified");
  await expect(row).toContainText("just now");
  await expectSecretsAbsent(page, [secret]);
  await page.screenshot({ path: test.info().outputPath("sources-list-1440.png"), fullPage: true });

  // Rotate: the old secret keeps working for 24 hours, the new one at once.
  await row.getByRole("link", { name: "Front door" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Front door" })).toBeVisible();
  await expectSecretsAbsent(page, [secret]);
  await page.getByRole("button", { name: "Rotate initial secret" }).click();
  const rotation = page.getByRole("dialog", { name: "Rotate “initial secret”" });
  await rotation.getByLabel("24 hours").check();
  await rotation.getByLabel("Label for the new secret").fill("secret 2");
  await rotation.getByRole("button", { name: "Rotate secret" }).click();
  await expect(rotation.getByRole("status")).toContainText("keeps verifying until");
  const rotated = (await rotation.getByLabel("Secret value").textContent())!.trim();
  expect(rotated).toMatch(/^whsec_/);
  expect(rotated).not.toBe(secret);
  await page.screenshot({ path: test.info().outputPath("rotate-dialog-1440.png") });
  await rotation.getByRole("button", { name: "I have stored it" }).click();
  await expect(rotation).toBeHidden();

  const credentials = page.getByRole("table", { name: "Credentials" });
  await expect(credentials.getByRole("row", { name: /^initial secret\b/ })).toContainText("Expiring");
  await expect(credentials.getByRole("row", { name: /^secret 2\b/ })).toContainText("Active");
  const expiry = await credentials
    .getByRole("row", { name: /^initial secret\b/ })
    .locator("time")
    .last()
    .getAttribute("datetime");
  expect(Math.abs(new Date(expiry!).getTime() - Date.now() - 24 * 3600_000)).toBeLessThan(5 * 60_000);

  expect((await postMaskit(app.baseUrl, "front-door", secret, photo, "old secret during the overlap")).httpStatus).toBe(200);
  expect((await postMaskit(app.baseUrl, "front-door", rotated, photo, "new secret during the overlap")).httpStatus).toBe(200);

  // Revoke the old one: from now on it answers 401, and the log says why.
  await page.getByRole("button", { name: "Revoke initial secret" }).click();
  const revocation = page.getByRole("dialog", { name: "Revoke “initial secret”?" });
  await expect(revocation).toContainText("fail with 401");
  await revocation.getByRole("button", { name: "Revoke secret" }).click();
  await expect(revocation).toBeHidden();
  await expect(credentials.getByRole("row", { name: /^initial secret\b/ })).toContainText("Revoked");

  const refused = await postMaskit(app.baseUrl, "front-door", secret, photo, "old secret after revocation");
  expect(refused.httpStatus).toBe(401);
  const detail = await fetch(`${app.baseUrl}/api/deliveries/${refused.id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(detail.status).toBe(200);
  expect(await detail.json()).toMatchObject({ status: "failed", reason: expect.stringMatching(/matches none of the 1 active secret/) });
  expect((await postMaskit(app.baseUrl, "front-door", rotated, photo, "new secret after revocation")).httpStatus).toBe(200);

  // After a reload, neither secret is anywhere in the page or its HTML.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Front door" })).toBeVisible();
  await expectSecretsAbsent(page, [secret, rotated]);
  await page.screenshot({ path: test.info().outputPath("source-detail-1440.png"), fullPage: true });

  // The delete confirmation counts what would go, and Cancel leaves everything as it was.
  await page.getByRole("button", { name: "Delete source…" }).click();
  const confirmation = page.getByRole("dialog", { name: "Delete “Front door”?" });
  await expect(confirmation).toContainText("its 5 deliveries from the delivery log, with 1 quarantined body");
  await expect(confirmation).toContainText("the 1 image only this source delivered");
  await expect(confirmation).toContainText("does not run one yet");
  await page.screenshot({ path: test.info().outputPath("delete-dialog-1440.png") });
  await confirmation.getByRole("button", { name: "Cancel" }).click();
  await expect(confirmation).toBeHidden();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("source-detail-390.png"), fullPage: true });
  await page.goto(`${app.baseUrl}/sources`);
  await page.screenshot({ path: test.info().outputPath("sources-list-390.png"), fullPage: true });
});

test("an admin adds an Eden AI key, renames, disables and deletes a source; a viewer only reads", async ({ app, page, browser }) => {
  await page.goto(`${app.baseUrl}/sign-in`);
  await signIn(page, ADMIN);
  await page.goto(`${app.baseUrl}/sources`);

  const newSource = page.getByRole("region", { name: "New source" });
  await newSource.getByLabel("Eden AI").check();
  await expect(newSource.getByLabel("Generate the first shared secret now")).toHaveCount(0);
  await newSource.getByLabel("Slug").fill("Eden Results");
  await newSource.getByRole("button", { name: "Create source" }).click();
  await expect(newSource.getByRole("alert")).toContainText("lowercase letters");
  await newSource.getByLabel("Slug").fill("eden-results");
  await newSource.getByRole("button", { name: "Create source" }).click();
  await expect(page).toHaveURL(/\/sources\/eden-results$/);
  const credentials = page.getByRole("table", { name: "Credentials" });
  await expect(credentials.getByRole("row", { name: /Eden AI published key/ })).toContainText("RSA 3072-bit public key");

  // Pasted keys: clear refusals, then a good one with its size and fingerprint.
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyForm = page.getByRole("region", { name: "Add a public key" });
  const pem = keyForm.getByLabel("Public key (PEM)");
  const addKey = keyForm.getByRole("button", { name: "Add public key" });
  await pem.fill(pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  await addKey.click();
  await expect(keyForm.getByRole("alert")).toContainText("This is a private key");
  await pem.fill(generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString());
  await addKey.click();
  await expect(keyForm.getByRole("alert")).toContainText("1024 bits; at least 2048 are required");
  await pem.fill("just some text");
  await addKey.click();
  await expect(keyForm.getByRole("alert")).toContainText("Not a PEM public key");
  await pem.fill(pair.publicKey.export({ type: "pkcs1", format: "pem" }).toString());
  await keyForm.getByLabel("Label").fill("our signing key");
  await addKey.click();
  const added = keyForm.getByRole("status").filter({ hasText: "our signing key" });
  await expect(added).toContainText("RSA 2048-bit key");
  await expect(added).toContainText(/[0-9a-f]{64}/);
  await expect(credentials.getByRole("row", { name: /our signing key/ })).toContainText("Active");
  await page.screenshot({ path: test.info().outputPath("eden-detail-1440.png"), fullPage: true });

  // Rename and disable.
  await page.getByLabel("Display name").fill("Eden AI results");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Eden AI results" })).toBeVisible();
  await page.getByRole("button", { name: "Disable source" }).click();
  await expect(page.getByRole("button", { name: "Enable source" })).toBeVisible();
  const disabled = await fetch(`${app.baseUrl}/api/webhooks/eden-results`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
  expect(disabled.status).toBe(404);

  // A viewer sees the sources and credentials, and no control to change them.
  const viewerContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const viewer = await viewerContext.newPage();
  await viewer.goto(`${app.baseUrl}/sign-in?next=/sources`);
  await signIn(viewer, VIEWER);
  await expect(viewer.getByRole("row", { name: /Eden AI results/ })).toContainText("Disabled");
  await expect(viewer.getByRole("region", { name: "New source" })).toHaveCount(0);
  await viewer.getByRole("link", { name: "Eden AI results" }).click();
  await expect(viewer.getByRole("table", { name: "Credentials" })).toContainText("our signing key");
  await expect(viewer.getByRole("button", { name: /Revoke|Rotate|Delete|Disable|Enable|Save/ })).toHaveCount(0);
  await viewerContext.close();

  // Delete: the confirmation names what goes, and needs the slug typed.
  await page.getByRole("button", { name: "Delete source…" }).click();
  const confirmation = page.getByRole("dialog", { name: "Delete “Eden AI results”?" });
  await expect(confirmation).toContainText("its delivery log, which is empty");
  await expect(confirmation).toContainText("2 credentials");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("delete-dialog-390.png") });
  const confirmDelete = confirmation.getByRole("button", { name: "Delete source" });
  await expect(confirmDelete).toBeDisabled();
  await confirmation.getByLabel("Type eden-results to confirm").fill("eden-result");
  await expect(confirmDelete).toBeDisabled();
  await confirmation.getByLabel("Type eden-results to confirm").fill("eden-results");
  await confirmDelete.click();
  await expect(page).toHaveURL(/\/sources\?deleted=eden-results$/);
  await expect(page.getByRole("status").filter({ hasText: "deleted" })).toContainText("Source eden-results deleted");
  await expect(page.getByRole("row", { name: /Eden AI results/ })).toHaveCount(0);
  expect((await page.goto(`${app.baseUrl}/sources/eden-results`))!.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "No such source" })).toBeVisible();
});

/** Neither in the live page nor in the HTML the server sends for it. */
async function expectSecretsAbsent(page: Page, secrets: string[]): Promise<void> {
  const dom = await page.content();
  const html = await (await page.request.get(page.url())).text();
  for (const secret of secrets) {
    expect(dom).not.toContain(secret);
    expect(html).not.toContain(secret);
  }
}
