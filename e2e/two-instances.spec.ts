import { lastLine } from "./fixtures/app.ts";
import { postMaskit } from "./fixtures/deliveries.ts";
import { signIn } from "./fixtures/pages.ts";
import { expect, test } from "./fixtures/two-instances.ts";
import { openEventStream } from "../test/helpers/event-stream.ts";
import { makeJpeg } from "../test/helpers/images.ts";

// Live across instances: the operator's gallery is open on instance B; MaskIt posts to
// instance A; the tile appears on B without a reload, because A's NOTIFY reaches B's LISTEN.

const OPERATOR = { email: "watcher@example.com", password: "a long enough viewer password" };

test("a delivery posted to A appears in the gallery open on B without a reload", async ({ instances: { a, b }, page }) => {
  a.cli(["user", "add", "--email", OPERATOR.email, "--role", "viewer"], `${OPERATOR.password}\n`);
  const secret = lastLine(a.cli(["source", "add", "--kind", "maskit", "--slug", "dock-camera", "--name", "Dock camera", "--generate"]));
  // B's one LISTEN connection starts with its first stream. A stream from here, that sees a
  // first delivery, shows it is up before the page opens (the page's own stream starts later,
  // and a delivery committed in the few milliseconds before LISTEN takes effect is missed).
  const token = lastLine(a.cli(["token", "create", "--name", "e2e", "--role", "viewer"]));
  // The fixture's readiness checks can leave an idle keep-alive socket to B that B has closed
  // meanwhile ("other side closed" on its reuse): spend it on a request whose failure is harmless.
  await fetch(`${b.baseUrl}/sign-in`).catch(() => null);
  const stream = openEventStream(`${b.baseUrl}/api/events`, { authorization: `Bearer ${token}` });
  await stream.ready;
  const before = await postMaskit(a.baseUrl, "dock-camera", secret, await makeJpeg(640, 480, { seed: 1 }), "dock / before");
  expect(before.httpStatus).toBe(200);
  await stream.waitFor((event) => JSON.parse(event.data).id === before.id, 10_000);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.baseUrl}/gallery`);
  await signIn(page, OPERATOR);
  await expect(page).toHaveURL(new RegExp(`^${b.baseUrl}/gallery$`));
  const tiles = page.getByRole("list", { name: "Verified images" }).getByRole("listitem");
  await expect(tiles).toHaveCount(1);
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  const delivered = await postMaskit(a.baseUrl, "dock-camera", secret, await makeJpeg(800, 600, { seed: 2 }), "dock / arrived live on A");
  expect(delivered.httpStatus).toBe(200);
  await expect(tiles).toHaveCount(2);
  await expect(tiles.first()).toContainText("dock / arrived live on A");
  await expect(tiles.first()).toContainText("800×600");
  await expect(tiles.first()).toHaveAttribute("data-delivery-id", delivered.id);
  await expect(tiles.first()).toHaveAttribute("data-new", "true");
  await expect
    .poll(() =>
      tiles
        .first()
        .getByRole("img")
        .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
    )
    .toBe(320);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  await page.screenshot({ path: test.info().outputPath("gallery-live-on-b-1440.png"), fullPage: true });
  // The highlight is quiet: it fades after a few seconds.
  await expect(tiles.first()).not.toHaveAttribute("data-new", "true", { timeout: 10_000 });
  stream.close();
});
