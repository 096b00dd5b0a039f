import { generateKeyPairSync } from "node:crypto";
import { writeFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect as baseExpect, lastLine, test } from "./fixtures/app.ts";
import { postEdenai, postMaskit } from "./fixtures/deliveries.ts";
import { signIn, takeScreenshots } from "./fixtures/pages.ts";
import { makeJpeg } from "../test/helpers/images.ts";

// The inspector as an operator uses it: a delivery signed with a revoked secret names that
// secret; one signed with a secret the source lacks is re-verified once the operator pastes
// that secret on the source page, and its image appears in the gallery; a quarantined delivery
// is deleted from its page, and the rest of a filtered set from the log. Screenshots of the
// verified, failed and Eden AI failed pages at desktop and phone widths.

// Server actions re-render the page they were called from; on a busy machine that takes longer than the default 5 s.
const expect = baseExpect.configure({ timeout: 15_000 });
const ADMIN = { email: "admin@example.com", password: "a long enough admin password" };
const OLD_SECRET = "whsec_old-camera-secret-revoked-since-0001";
const SENDERS_SECRET = "whsec_the-secret-the-sender-really-uses-02";

test.use({ viewport: { width: 1440, height: 900 } });

test("an admin reads why deliveries failed, re-verifies one into the gallery, and deletes quarantined ones", async ({ app, page }) => {
  app.cli(["user", "add", "--email", ADMIN.email, "--role", "admin"], `${ADMIN.password}\n`);
  const secret = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "lobby-camera", "--name", "Lobby camera", "--generate"]));
  const eden = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyFile = test.info().outputPath("eden-public.pem");
  await writeFile(keyFile, eden.publicKey.export({ type: "spki", format: "pem" }));
  app.cli(["source", "add", "--kind", "edenai", "--slug", "eden-jobs", "--name", "Eden AI jobs", "--public-key-file", keyFile]);

  const verified = await postMaskit(app.baseUrl, "lobby-camera", secret, await makeJpeg(640, 480, { seed: 1 }), "lobby / frame 0001");
  const unknown = await postMaskit(app.baseUrl, "lobby-camera", SENDERS_SECRET, await makeJpeg(640, 480, { seed: 2 }), "lobby / frame 0002");
  const edenFailed = await postEdenai(app.baseUrl, "eden-jobs", stranger.privateKey, {
    job_id: "job-51c2",
    status: "success",
    provider: "amazon",
    feature: "image",
    subfeature: "face_detection",
    output: { faces: 2 },
  });
  expect([verified.status, unknown.status, edenFailed.status]).toEqual(["verified", "failed", "failed"]);

  await page.goto(`${app.baseUrl}/deliveries/${unknown.id}`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fdeliveries%2F/);
  await signIn(page, ADMIN);
  await expect(page).toHaveURL(new RegExp(`/deliveries/${unknown.id}$`));

  // A secret the source once had, revoked since; a delivery still signed with it.
  await page.goto(`${app.baseUrl}/sources/lobby-camera`);
  await addPastedSecret(page, OLD_SECRET, "old camera secret");
  await page.getByRole("button", { name: "Revoke old camera secret" }).click();
  const revocation = page.getByRole("dialog", { name: "Revoke “old camera secret”?" });
  await revocation.getByRole("button", { name: "Revoke secret" }).click();
  await expect(revocation).toBeHidden();
  const revoked = await postMaskit(app.baseUrl, "lobby-camera", OLD_SECRET, await makeJpeg(640, 480, { seed: 3 }), "lobby / frame 0003");
  expect(revoked.status).toBe("failed");

  // The inspector names the revoked secret, and shows nothing of the image as trusted.
  await page.goto(`${app.baseUrl}/deliveries/${revoked.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Delivery from Lobby camera" })).toBeVisible();
  const findings = page.getByRole("list", { name: "Findings" });
  await expect(findings.getByRole("listitem").first()).toContainText("It was signed with “old camera secret”");
  await expect(findings.getByRole("listitem").first()).toContainText("a revoked secret");
  await expect(page.getByRole("table", { name: "Credentials tried" }).getByRole("row", { name: /old camera secret/ })).toContainText("revoked");
  await expect(page.getByRole("region", { name: "Parts of the unverified body" })).toContainText("Unverified");
  await expect(page.locator('img[src*="/api/images/"]')).toHaveCount(0);
  await takeScreenshots(page, "inspector-failed-revoked");

  // Eden AI, signed with a key the source lacks: the forms tried, and the likely cause.
  await page.goto(`${app.baseUrl}/deliveries/${edenFailed.id}`);
  const forms = page.getByRole("list", { name: "Eden AI forms tried" });
  await expect(forms.getByRole("listitem")).toHaveCount(4);
  await expect(forms).toContainText("sorted-utf8");
  await expect(forms).toContainText("python-json-dumps");
  await expect(findings).toContainText("The sender probably signs with a key this source does not have");
  await expect(page.getByLabel("Unverified payload, as received")).toContainText('"job_id": "job-51c2"');
  await takeScreenshots(page, "inspector-edenai-failed");

  // A verified delivery: its image, and what matched.
  await page.goto(`${app.baseUrl}/deliveries/${verified.id}`);
  await expect(page.getByRole("list", { name: "Images" }).locator("img")).toBeVisible();
  await expect(page.getByRole("region", { name: "Details" })).toContainText("initial secret (");
  await expect(page.getByRole("button", { name: "Re-verify" })).toHaveCount(0);
  await takeScreenshots(page, "inspector-verified");
  // Written by hand, as a Python server would send it: `1.0` is not what JSON.stringify writes.
  const job = await postEdenai(
    app.baseUrl,
    "eden-jobs",
    eden.privateKey,
    '{"job_id":"job-9d01","status":"success","provider":"google","feature":"text","subfeature":"sentiment_analysis","items":[{"label":"positive","score":1.0}]}',
  );
  expect(job.status).toBe("verified");
  await page.goto(`${app.baseUrl}/deliveries/${job.id}`);
  // As sent: its key order, and `1.0` as written.
  await expect(page.getByLabel("Payload JSON")).toContainText('"score": 1.0');
  const payloadText = (await page.getByLabel("Payload JSON").textContent())!;
  expect(payloadText.indexOf('"job_id"')).toBeLessThan(payloadText.indexOf('"items"'));
  await expect(page.getByRole("region", { name: "Details" })).toContainText("sorted-utf8");
  await takeScreenshots(page, "inspector-edenai-verified");

  // Re-verify before and after adding the sender's secret.
  await page.goto(`${app.baseUrl}/deliveries/${unknown.id}`);
  await expect(findings).toContainText("The sender probably signs with a secret this source does not have");
  await page.getByRole("button", { name: "Re-verify" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Still no match" })).toBeVisible();
  await page.goto(`${app.baseUrl}/sources/lobby-camera`);
  await addPastedSecret(page, SENDERS_SECRET, "sender's secret");
  // A delivery log open in another tab updates the row live, keeping what the sender was answered.
  const log = await page.context().newPage();
  await log.goto(`${app.baseUrl}/deliveries`);
  const logRow = log.locator(`tr[data-delivery-id="${unknown.id}"]`);
  await expect(logRow).toContainText("failed");
  await page.goto(`${app.baseUrl}/deliveries/${unknown.id}`);
  await page.getByRole("button", { name: "Re-verify" }).click();
  await expect(page.getByText("Verified on re-verification by admin@example.com")).toBeVisible();
  await expect(logRow).toContainText("re-verified");
  await expect(logRow).toContainText("verified");
  await expect(logRow).toContainText("401");
  await expect(page.getByRole("region", { name: "Details" })).toContainText("HTTP 401, on arrival");
  await log.close();
  await expect(page.getByRole("heading", { level: 1 }).locator("..")).toContainText("verified");
  await expect(page.getByRole("region", { name: "Details" })).toContainText("sender's secret (");
  await expect(page.getByRole("list", { name: "Images" }).locator("img")).toBeVisible();
  const promoted = (await (await page.request.get(`${app.baseUrl}/api/deliveries/${unknown.id}`)).json()) as { status: string; image: { id: string } };
  expect(promoted.status).toBe("verified");
  await page.goto(`${app.baseUrl}/gallery`);
  await expect(page.locator(`img[src*="/api/images/${promoted.image.id}/thumbnail"]`)).toBeVisible();

  // Delete one from its page, then the rest of the failed ones from the filtered log.
  await page.goto(`${app.baseUrl}/deliveries/${revoked.id}`);
  await page.getByRole("button", { name: "Delete this delivery and its quarantined body" }).click();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page).toHaveURL(/\/deliveries\?deleted=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Deleted 1 failed or rejected delivery" })).toBeVisible();
  await expect(page.locator(`tr[data-delivery-id="${revoked.id}"]`)).toHaveCount(0);
  expect((await page.request.get(`${app.baseUrl}/api/deliveries/${revoked.id}`)).status()).toBe(404);

  await page.goto(`${app.baseUrl}/deliveries?source=eden-jobs`);
  await page.getByRole("button", { name: "Delete 1 quarantined delivery in this view" }).click();
  await expect(page.getByText("Delete the 1 failed or rejected delivery matching these filters")).toBeVisible();
  await takeScreenshots(page, "deliveries-delete-quarantined");
  await page.getByRole("button", { name: "Delete 1", exact: true }).click();
  await expect(page).toHaveURL(/\/deliveries\?source=eden-jobs&deleted=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Deleted 1 failed or rejected delivery" })).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody tr")).toContainText("job-9d01");
  // Verified deliveries stay: the first, the Eden AI job and the re-verified one.
  await page.goto(`${app.baseUrl}/deliveries`);
  await expect(page.locator("tbody tr")).toHaveCount(3);
  await expect(page.getByRole("button", { name: /quarantined/ })).toHaveCount(0);
});

async function addPastedSecret(page: Page, value: string, label: string) {
  const form = page.getByRole("region", { name: "Add a secret" });
  await form.getByLabel("Paste one I already have").check();
  await form.getByLabel("Shared secret").fill(value);
  await form.getByLabel("Label").fill(label);
  await form.getByRole("button", { name: "Add secret" }).click();
  await expect(form.getByRole("status")).toContainText(`Secret “${label}” added`);
}
