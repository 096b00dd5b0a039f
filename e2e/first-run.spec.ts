import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures/pages.ts";
import { startAppServer, type AppServer } from "../test/helpers/app-server.ts";

// A fresh install: the app prints a one-time setup link; it alone creates the first admin.
// Then the session cookie's flags, sign-out, and the lockout after repeated failures.

const ADMIN_EMAIL = "first-admin@example.com";

let app: AppServer;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-first-run-"));
  await chmod(dataDir, 0o755);
  app = await startAppServer({ DATA_DIR: dataDir, DATABASE_URL: "", ENCRYPTION_KEY: "" });
});

test.afterAll(async () => {
  await app?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

test("first-run setup, session cookie, sign-out and lockout", async ({ page, browser }) => {
  const link = /create the first one at (http:\/\/localhost:\d+(\/setup\?token=[\w-]+))/.exec(app.output());
  expect(link, "npm start prints the setup link").not.toBeNull();
  const setupPath = link![2];
  const signInUrl = `${app.baseUrl}/sign-in`;

  await page.goto(`${app.baseUrl}/setup?token=guessed-token`);
  await expect(page.getByText("This setup link is not valid")).toBeVisible();

  await page.goto(`${app.baseUrl}${setupPath}`);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password", { exact: true }).fill("the very first password");
  await page.getByLabel("Repeat password").fill("a different password!!");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The two passwords differ" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("setup.png") });
  await page.getByLabel("Password", { exact: true }).fill("the very first password");
  await page.getByLabel("Repeat password").fill("the very first password");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page).toHaveURL(/\/sources$/);

  const [cookie] = (await page.context().cookies()).filter((candidate) => candidate.name === "webhook_inbox_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });

  // The link is spent.
  await page.goto(`${app.baseUrl}${setupPath}`);
  await expect(page.getByText("This setup link is not valid")).toBeVisible();

  // Right after setup the gallery says how to add the first source.
  await page.goto(`${app.baseUrl}/gallery`);
  await expect(page.getByText("No sources yet, so nothing can deliver images.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Add the first source" })).toHaveAttribute("href", "/sources");
  await page.screenshot({ path: test.info().outputPath("gallery-first-run.png") });

  // Sign out: the cookie is gone and the old session is revoked on the server.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  const replay = await fetch(`${app.baseUrl}/api/deliveries`, { headers: { cookie: `webhook_inbox_session=${cookie.value}` } });
  expect(replay.status).toBe(401);

  // Behind an HTTPS proxy the cookie is Secure.
  const proxied = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-proto": "https" } });
  const proxiedPage = await proxied.newPage();
  await signIn(proxiedPage, { email: ADMIN_EMAIL, password: "the very first password" }, { url: signInUrl });
  await expect(proxiedPage).toHaveURL(/\/gallery$/);
  const [secureCookie] = (await proxied.cookies()).filter((candidate) => candidate.name === "webhook_inbox_session");
  expect(secureCookie.secure).toBe(true);
  await proxied.close();

  // Five wrong passwords lock the account, even against the right one.
  for (let attempt = 0; attempt < 5; attempt++) {
    await signIn(page, { email: ADMIN_EMAIL, password: `wrong password number ${attempt}` }, { url: signInUrl, refused: true });
    await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  }
  await signIn(page, { email: ADMIN_EMAIL, password: "the very first password" }, { url: signInUrl, refused: true });
  await expect(page.getByRole("alert").filter({ hasText: "Too many failed sign-ins for this account" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("locked.png") });
});
