import { expect, lastLine, test } from "./fixtures/app.ts";
import { postMaskit } from "./fixtures/deliveries.ts";
import { signIn } from "./fixtures/pages.ts";
import { makeJpeg } from "../test/helpers/images.ts";

// The pages work under their Content-Security-Policy (lib/http/security-headers.ts): an admin
// walks the main pages, opens the lightbox and watches a live delivery arrive, and Chromium
// reports no violation on the way. And no other site can frame the app.

const ADMIN = { email: "admin@example.com", password: "a long enough admin password" };

test.use({ viewport: { width: 1440, height: 900 } });

test("the main pages run under the Content-Security-Policy without a violation", async ({ app, page }) => {
  app.cli(["user", "add", "--email", ADMIN.email, "--role", "admin"], `${ADMIN.password}\n`);
  const secret = lastLine(app.cli(["source", "add", "--kind", "maskit", "--slug", "lobby-camera", "--name", "Lobby camera", "--generate"]));
  await postMaskit(app.baseUrl, "lobby-camera", secret, await makeJpeg(640, 480), "csp / frame 1");
  const failed = await postMaskit(app.baseUrl, "lobby-camera", "whsec_a-secret-this-source-lacks-0000", await makeJpeg(64, 48), "csp / frame 2");

  // Both what the page reports (securitypolicyviolation) and what Chromium logs.
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `Content Security Policy violation on ${location.pathname}: ${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} ${event.sample}`,
      );
    });
  });

  await signIn(page, ADMIN, { url: `${app.baseUrl}/sign-in` });
  const gallery = page.getByRole("list", { name: "Verified images" }).getByRole("listitem");
  await expect(gallery).toHaveCount(1);
  await expect.poll(() => gallery.getByRole("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await gallery.first().click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");

  // A live delivery reaches the open log (the event stream is `connect-src 'self'`).
  await page.goto(`${app.baseUrl}/deliveries`);
  const rows = page.getByRole("table", { name: "Deliveries" }).locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await postMaskit(app.baseUrl, "lobby-camera", secret, await makeJpeg(320, 240), "csp / live frame");
  await expect(rows.first()).toContainText("csp / live frame");

  for (const path of [`/deliveries/${failed.id}`, "/sources", "/overview", "/users", "/tokens", "/settings", "/audit", "/no-such-page"]) {
    await page.goto(`${app.baseUrl}${path}`);
    await page.waitForLoadState("networkidle");
  }
  await page.goto(`${app.baseUrl}/sources`);
  await page
    .getByRole("link", { name: /Lobby camera/ })
    .first()
    .click();
  await expect(page).toHaveURL(/\/sources\/lobby-camera$/);
  await page.waitForLoadState("networkidle");

  // React hydrated every page: a client-side interaction worked above (the lightbox), and here.
  expect(await page.evaluate(() => typeof (window as { __next_f?: unknown }).__next_f)).toBe("object");
  // Signed out in another tab: the open live page says so within the stream's recheck (10 s).
  await page.goto(`${app.baseUrl}/deliveries`);
  await expect(rows.first()).toBeVisible();
  const other = await page.context().newPage();
  await other.goto(`${app.baseUrl}/gallery`);
  await other.getByRole("button", { name: "Sign out" }).click();
  await expect(other).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("alert").filter({ hasText: "You were signed out" })).toBeVisible({ timeout: 25_000 });
  await page.screenshot({ path: test.info().outputPath("signed-out-notice.png") });

  expect(violations).toEqual([]);
});

test("another site cannot frame the app", async ({ app, page }) => {
  await page.route("http://framing.example/", (route) =>
    route.fulfill({ contentType: "text/html", body: `<iframe src="${app.baseUrl}/sign-in" width="600" height="400"></iframe>` }),
  );
  await page.goto("http://framing.example/");
  // Chromium replaces a refused frame with its error page; an allowed one would show the form.
  await expect.poll(() => page.frames()[1]?.url()).toMatch(/^chrome-error:/);
  await expect(page.frameLocator("iframe").getByRole("button", { name: "Sign in" })).toHaveCount(0);
});
