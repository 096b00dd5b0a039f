import { Webhook } from "standardwebhooks";
import { expect, lastLine, test } from "./fixtures/app.ts";
import { postEdenai } from "./fixtures/deliveries.ts";
import { signIn } from "./fixtures/pages.ts";
import { startDestinationServer } from "../test/helpers/destination-server.ts";
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";

// An admin adds a forwarding destination on a source's page: the signing secret is shown once
// and verifies what the destination then receives; pausing holds deliveries back and resuming
// sends them; the inspector lists the attempts.

const ADMIN = { email: "admin@example.com", password: "a long enough admin password" };

test.use({ viewport: { width: 1440, height: 900 } });

test("an admin adds a destination, and verified deliveries reach it signed; pause holds them, resume sends", async ({ app, page }) => {
  app.cli(["user", "add", "--email", ADMIN.email, "--role", "admin"], `${ADMIN.password}\n`);
  const eden = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyFile = path.join(app.dataDir, "eden.pem");
  writeFileSync(keyFile, eden.publicKey.export({ type: "spki", format: "pem" }).toString());
  app.cli(["source", "add", "--kind", "edenai", "--slug", "jobs", "--public-key-file", keyFile]);
  const destination = await startDestinationServer(() => ({ status: 200 }));
  try {
    await page.goto(`${app.baseUrl}/sources/jobs`);
    await signIn(page, ADMIN);
    await page.goto(`${app.baseUrl}/sources/jobs`);
    const forwarding = page.getByRole("region", { name: "Forwarding" });
    await expect(forwarding.getByText("No destinations")).toBeVisible();
    await forwarding.getByLabel("URL").fill(destination.url);
    await forwarding.getByLabel("Name").fill("Pipeline");
    await forwarding.getByRole("button", { name: "Add destination" }).click();
    const shown = forwarding.getByRole("region", { name: "New signing secret" });
    await expect(shown).toContainText("It will not be shown again");
    const secret = (await shown.locator("[data-secret]").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await page.screenshot({ path: test.info().outputPath("destination-added.png"), fullPage: true });
    await shown.getByRole("button", { name: "I have stored it" }).click();
    await page.reload();
    await expect(page.locator("body")).not.toContainText(secret);
    await expect(forwarding.getByRole("cell", { name: /^Pipeline http/ })).toBeVisible();

    const first = await postEdenai(app.baseUrl, "jobs", eden.privateKey, '{"public_id": "e2e-1", "status": "success"}');
    const [receipt] = await destination.waitFor(1);
    const headers = Object.fromEntries(Object.entries(receipt.headers).map(([name, value]) => [name, String(value)]));
    expect(new Webhook(secret).verify(receipt.body.toString(), headers)).toEqual({ public_id: "e2e-1", status: "success" });
    expect(headers["webhook-id"]).toBe(first.id);

    await forwarding.getByRole("button", { name: "Pause Pipeline" }).click();
    await expect(forwarding.getByText("Paused: deliveries wait until it is resumed.")).toBeVisible();
    await postEdenai(app.baseUrl, "jobs", eden.privateKey, '{"public_id": "e2e-2", "status": "success"}');
    await page.reload();
    await expect(forwarding.getByRole("cell", { name: "Paused: paused by an operator" })).toBeVisible();
    expect(destination.receipts).toHaveLength(1);
    await forwarding.getByRole("button", { name: "Resume Pipeline" }).click();
    await expect(forwarding.getByText("Resumed; 1 waiting deliveries are being sent.")).toBeVisible();
    await destination.waitFor(2);

    await page.goto(`${app.baseUrl}/deliveries/${first.id}`);
    const attempts = page.getByRole("region", { name: "Forwarding" });
    await expect(attempts).toContainText("Pipeline");
    await expect(attempts.locator("[data-forward-state]")).toHaveText("Delivered");
    await expect(attempts).toContainText("HTTP 200");
    await page.screenshot({ path: test.info().outputPath("inspector-attempts.png"), fullPage: true });
    expect(lastLine(app.cli(["destination", "list"]))).toContain("Pipeline");

    await page.goto(`${app.baseUrl}/forwarding`);
    const row = page.getByRole("table", { name: "Destinations" }).getByRole("row", { name: /Pipeline/ });
    await expect(row).toContainText("Enabled");
    await expect(row).toContainText("100% of 2");
    await page.screenshot({ path: test.info().outputPath("forwarding-page.png"), fullPage: true });
  } finally {
    await destination.close();
  }
});
