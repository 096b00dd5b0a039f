import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures/app.ts";
import { signIn, takeScreenshots } from "./fixtures/pages.ts";

// The operators' path: an admin adds a viewer, hands out an API token and takes it back; the
// viewer never sees the admin pages; the audit log tells the story. Screenshots of each page
// at desktop and phone widths go to the test's output folder.

const ADMIN = { email: "admin@example.com", password: "admin password, long enough" };
const VIEWER = { email: "viewer@example.com", password: "viewer password, long enough" };
// This spec has never checked that its pages do not scroll sideways on a phone; it only keeps the shots.
const SCREENSHOTS_ONLY = { noSideScrollAt: [] };

test("an admin manages users and API tokens, a viewer cannot, and the audit log shows it", async ({ app, page, browser }) => {
  app.cli(["user", "add", "--email", ADMIN.email, "--role", "admin"], `${ADMIN.password}\n`);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, ADMIN, { url: `${app.baseUrl}/sign-in` });
  await expect(page).toHaveURL(/\/gallery$/);
  const nav = page.getByRole("navigation", { name: "Main" });

  // Users: add a viewer, and a temporary user whose role is changed and who is then removed.
  await nav.getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await addUser(page, VIEWER.email, "viewer", VIEWER.password);
  await addUser(page, "temp@example.com", "viewer", "temporary password 123");
  // A second account with the same email is refused, and the form keeps what was typed.
  const addForm = page.getByRole("region", { name: "Add a user" });
  await addForm.getByLabel("Email").fill("VIEWER@example.com");
  await addForm.getByLabel("Initial password").fill("some other password");
  await addForm.getByLabel("Repeat password").fill("some other password");
  await addForm.getByRole("button", { name: "Add user" }).click();
  await expect(addForm.getByRole("alert")).toHaveText("A user with email viewer@example.com already exists.");
  await expect(addForm.getByLabel("Email")).toHaveValue("VIEWER@example.com");
  const users = page.getByRole("table", { name: "Users" });
  await expect(users.getByRole("row").filter({ hasText: VIEWER.email })).toContainText("never");
  // The only admin can be neither demoted nor removed (the server refuses it too).
  await expect(page.getByLabel(`Role of ${ADMIN.email}`)).toBeDisabled();

  const temp = users.getByRole("row").filter({ hasText: "temp@example.com" });
  await page.getByLabel("Role of temp@example.com").selectOption("admin");
  await temp.getByRole("button", { name: "Save role" }).click();
  await expect(temp.getByRole("status")).toHaveText("temp@example.com is now admin.");
  await expect(page.getByLabel(`Role of ${ADMIN.email}`)).toBeEnabled();
  await temp.getByRole("button", { name: "Remove temp@example.com" }).click();
  await expect(temp.getByRole("button", { name: "Remove user" })).toBeFocused();
  await takeScreenshots(page, "users-confirm", SCREENSHOTS_ONLY);
  await temp.getByRole("button", { name: "Remove user" }).click();
  await expect(users.getByRole("row").filter({ hasText: "temp@example.com" })).toHaveCount(0);
  await expect(page.getByLabel(`Role of ${ADMIN.email}`)).toBeDisabled();
  await takeScreenshots(page, "users", SCREENSHOTS_ONLY);

  // API tokens: created, read from the page once, used, revoked.
  await nav.getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/tokens$/);
  await page.getByLabel("Name").fill("nightly export");
  await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("viewer");
  await page.getByLabel("Expires").selectOption({ label: "in 30 days" });
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel("New API token").inputValue();
  expect(token).toMatch(/^whi_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByText("shown only this once")).toBeVisible();
  await takeScreenshots(page, "tokens-created", SCREENSHOTS_ONLY);
  expect((await api(app.baseUrl, token)).status).toBe(200);

  await page.getByRole("button", { name: "I have stored it" }).click();
  await expect(page.getByLabel("New API token")).toHaveCount(0);
  await page.reload();
  expect(await page.content()).not.toContain(token);
  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: "nightly export" });
  await expect(row).toContainText("active");
  await expect(row).toContainText(`${token.slice(0, 10)}…`);
  await expect(row).not.toContainText("never");
  await row.getByRole("button", { name: "Revoke nightly export" }).click();
  await row.getByRole("button", { name: "Revoke token" }).click();
  await expect(row.getByRole("status")).toContainText("Revoked");
  await expect(row).toContainText("revoked");
  expect((await api(app.baseUrl, token)).status).toBe(401);
  await takeScreenshots(page, "tokens", SCREENSHOTS_ONLY);

  // The viewer, in a browser of their own, sees none of the admin pages.
  await checkViewer(browser, app.baseUrl);

  // The audit log: newest first, filterable, paged.
  await nav.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  const log = page.getByRole("table", { name: "Audit log" });
  const entry = (action: string, target: string) => log.getByRole("row").filter({ hasText: action }).filter({ hasText: target });
  await expect(entry("user.create", VIEWER.email)).toContainText(ADMIN.email);
  await expect(entry("user.role_change", "temp@example.com")).toContainText("to admin");
  await expect(entry("user.remove", "temp@example.com")).toHaveCount(1);
  await expect(entry("token.create", "nightly export")).toContainText("prefix");
  await expect(entry("token.revoke", "nightly export")).toHaveCount(1);
  expect(await page.content()).not.toContain(token);
  // Newest first: the viewer's sign-in, then the revocation, then the creation.
  const rows = await log.getByRole("row").allTextContents();
  expect(rows[1]).toContain("auth.sign_in");
  expect(rows.findIndex((text) => text.includes("token.revoke"))).toBeLessThan(rows.findIndex((text) => text.includes("token.create")));
  await takeScreenshots(page, "audit", SCREENSHOTS_ONLY);

  await page.getByLabel("Action").selectOption("token.");
  await page.getByLabel("Actor").fill("ADMIN@");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=token\.&actor=ADMIN%40/);
  await expect(log.getByRole("row")).toHaveCount(3);
  await expect(page.getByLabel("Actor")).toHaveValue("ADMIN@");

  await page.goto(`${app.baseUrl}/audit?action=user.&limit=2`);
  const firstPage = await log.getByRole("row").allTextContents();
  await page.getByRole("link", { name: "Older →" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(page).toHaveURL(/action=user\./);
  const secondPage = await log.getByRole("row").allTextContents();
  expect(secondPage.slice(1).some((text) => firstPage.includes(text))).toBe(false);
  await expect(log).toContainText("user.create");
  await page.getByRole("link", { name: "← Newest" }).click();
  await expect(page).not.toHaveURL(/cursor=/);

  // With a second admin, the first may make themself a viewer: it applies at once.
  await page.goto(`${app.baseUrl}/users`);
  const viewerRow = page.getByRole("table", { name: "Users" }).getByRole("row").filter({ hasText: VIEWER.email });
  await page.getByLabel(`Role of ${VIEWER.email}`).selectOption("admin");
  await viewerRow.getByRole("button", { name: "Save role" }).click();
  await expect(viewerRow.getByRole("status")).toHaveText(`${VIEWER.email} is now admin.`);
  await page.getByLabel(`Role of ${ADMIN.email}`).selectOption("viewer");
  await expect(page.getByText("You lose admin access as soon as you save.")).toBeVisible();
  await page.getByRole("table", { name: "Users" }).getByRole("row").filter({ hasText: ADMIN.email }).getByRole("button", { name: "Save role" }).click();
  await expect(page).toHaveURL(/\/gallery$/);
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(page.getByRole("banner")).toContainText(`${ADMIN.email} · viewer`);
});

async function addUser(page: Page, email: string, role: "admin" | "viewer", password: string) {
  const form = page.getByRole("region", { name: "Add a user" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption(role);
  await form.getByLabel("Initial password").fill(password);
  await form.getByLabel("Repeat password").fill(password);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByRole("status")).toHaveText(`Added ${email} as ${role}. Give them the password over a channel you trust.`);
  await expect(form.getByLabel("Email")).toHaveValue("");
}

async function checkViewer(browser: Browser, baseUrl: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, VIEWER, { url: `${baseUrl}/sign-in` });
  await expect(page).toHaveURL(/\/gallery$/);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Gallery" })).toBeVisible();
  for (const name of ["Users", "API tokens", "Audit log"]) await expect(nav.getByRole("link", { name })).toHaveCount(0);
  for (const path of ["/users", "/tokens", "/audit"]) {
    await page.goto(`${baseUrl}${path}`);
    await expect(page).toHaveURL(/\/gallery\?denied=admin$/);
  }
  await context.close();
}

function api(baseUrl: string, token: string) {
  return fetch(`${baseUrl}/api/deliveries`, { headers: { authorization: `Bearer ${token}` } });
}
