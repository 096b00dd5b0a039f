import { expect, test } from "./fixtures/app.ts";
import { signIn } from "./fixtures/pages.ts";

// An admin creates sources of the lib/schemes kinds in the browser with their signing options,
// and the source page shows what was stored (defaults filled in); a bad option is refused with
// its name and nothing is created.

const ADMIN = { email: "admin@example.com", password: "a long enough admin password" };

test.use({ viewport: { width: 1440, height: 900 } });

test.beforeEach(async ({ app }) => {
  app.cli(["user", "add", "--email", ADMIN.email, "--role", "admin"], `${ADMIN.password}\n`);
});

test("an admin creates a generic HMAC and a Stripe source with their options", async ({ app, page }) => {
  await page.goto(`${app.baseUrl}/sources`);
  await signIn(page, ADMIN);
  await page.goto(`${app.baseUrl}/sources`);
  const newSource = page.getByRole("region", { name: "New source" });

  await newSource.getByRole("radio", { name: /^Generic HMAC/ }).check();
  await newSource.getByLabel("Slug").fill("shop-orders");
  await newSource.getByRole("textbox", { name: "Signature header" }).fill("X-Shop-Hmac");
  await newSource.getByRole("textbox", { name: "Prefix (optional)" }).fill("sha512=");
  await newSource.getByRole("combobox", { name: "Algorithm" }).selectOption("sha512");
  await newSource.getByRole("combobox", { name: "Signed string" }).selectOption("timestamp.body");
  await newSource.getByRole("button", { name: "Create source" }).click();
  await expect(newSource).toContainText("timestampHeader is required");
  await newSource.getByRole("textbox", { name: "Timestamp header (optional)" }).fill("X-Shop-Time");
  await newSource.getByRole("button", { name: "Create source" }).click();
  const shownOnce = newSource.getByRole("region", { name: "New shared secret" });
  await expect(shownOnce).toContainText("It will not be shown again");
  await newSource.screenshot({ path: test.info().outputPath("hmac-created-1440.png") });

  await page.goto(`${app.baseUrl}/sources/shop-orders`);
  const options = page.getByRole("region", { name: "Generic HMAC signing options" });
  await expect(options).toContainText("x-shop-hmac");
  await expect(options).toContainText("HMAC-SHA512");
  await expect(options).toContainText("timestamp.body");
  await expect(options).toContainText("300 s");
  await expect(page.getByText("POST, signed in")).toContainText("x-shop-hmac");
  await page.screenshot({ path: test.info().outputPath("hmac-source-1440.png"), fullPage: true });

  await page.goto(`${app.baseUrl}/sources`);
  await newSource.getByRole("radio", { name: /^Stripe/ }).check();
  await newSource.getByLabel("Slug").fill("stripe-live");
  await newSource.getByRole("spinbutton", { name: /^Timestamp tolerance/ }).fill("120");
  await expect(newSource.getByLabel("Generate the first shared secret now")).not.toBeChecked();
  await newSource.getByRole("button", { name: "Create source" }).click();
  await expect(page).toHaveURL(/\/sources\/stripe-live$/);
  await expect(page.getByRole("region", { name: "Stripe signing options" })).toContainText("120 s");
  await expect(page.getByRole("heading", { name: "Add a secret" })).toBeVisible();
});
