import { Webhook } from "standardwebhooks";
import { startHttpReceiver } from "../test/helpers/alert-receivers.ts";
import { expect, test } from "./fixtures/app.ts";
import { signIn, takeScreenshots } from "./fixtures/pages.ts";

// An admin opens Alerts from the navigation, adds a Slack-compatible channel and a webhook
// channel (whose signing secret is shown once), sends a test alert through each to local HTTP
// servers, sees a failing channel's reason, adds a rule; a viewer reads the page without forms.

const ADMIN = { email: "admin@example.com", password: "a long enough admin password" };
const VIEWER = { email: "viewer@example.com", password: "a long enough viewer password" };

test("an admin adds channels, sends test alerts and adds a rule; a viewer only reads", async ({ app, page, browser }) => {
  const chat = await startHttpReceiver();
  const pager = await startHttpReceiver();
  const broken = await startHttpReceiver({ status: () => 404 });
  try {
    app.cli(["user", "add", "--email", ADMIN.email, "--role", "admin"], `${ADMIN.password}\n`);
    app.cli(["user", "add", "--email", VIEWER.email, "--role", "viewer"], `${VIEWER.password}\n`);
    app.cli(["source", "add", "--kind", "maskit", "--slug", "lobby-camera", "--name", "Lobby camera", "--generate"]);
    await signIn(page, ADMIN, { url: `${app.baseUrl}/sign-in?next=/gallery` });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
    await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();
    await expect(page.getByText("Nothing is wrong.")).toBeVisible();

    const addChannel = page.getByRole("form", { name: "Add a channel" });
    await addChannel.getByLabel("Kind").selectOption("slack");
    await addChannel.getByLabel("Name").fill("team chat");
    await addChannel.getByLabel("Incoming-webhook URL").fill(`${chat.url}/T000/secret-part`);
    await addChannel.getByRole("button", { name: "Add channel" }).click();
    await expect(addChannel.getByRole("status")).toHaveText('Channel "team chat" added.');
    const chatRow = page.getByRole("row", { name: /^team chat/ });
    await expect(chatRow).toContainText(`POST to ${new URL(chat.url).host}`);
    await chatRow.getByRole("button", { name: "Send test alert" }).click();
    await expect(chatRow.getByRole("status")).toHaveText("Test alert sent.");
    expect(JSON.parse(chat.requests[0].body).text).toContain("TEST: Test alert from webhook-inbox");

    await addChannel.getByLabel("Kind").selectOption("webhook");
    await addChannel.getByLabel("Name").fill("pager");
    await addChannel.getByLabel("URL").fill(pager.url);
    await addChannel.getByRole("button", { name: "Add channel" }).click();
    const secret = (await page.getByRole("region", { name: "New signing secret" }).locator("[data-secret]").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await takeScreenshots(page, "alerts-admin");
    const pagerRow = page.getByRole("row", { name: /^pager/ });
    await pagerRow.getByRole("button", { name: "Send test alert" }).click();
    await expect(pagerRow.getByRole("status")).toHaveText("Test alert sent.");
    expect(() => new Webhook(secret).verify(pager.requests[0].body, pager.requests[0].headers as Record<string, string>)).not.toThrow();

    await addChannel.getByLabel("Kind").selectOption("slack");
    await addChannel.getByLabel("Name").fill("gone chat");
    await addChannel.getByLabel("Incoming-webhook URL").fill(broken.url);
    await addChannel.getByRole("button", { name: "Add channel" }).click();
    const brokenRow = page.getByRole("row", { name: /^gone chat/ });
    await brokenRow.getByRole("button", { name: "Send test alert" }).click();
    await expect(brokenRow.getByRole("alert")).toHaveText("Sending failed: answered 404: no such hook. It will be retried.");

    const addRule = page.getByRole("form", { name: "Add a rule" });
    await addRule.getByLabel("Condition").selectOption("failure_rate");
    await addRule.getByLabel("Source").selectOption("lobby-camera");
    await addRule.getByLabel("More than (%)").fill("30");
    await addRule.getByRole("button", { name: "Add rule" }).click();
    await expect(addRule.getByRole("status")).toContainText("Rule added");
    await page.reload();
    await expect(page.getByText("Alerts when more than 30% failed or rejected of at least 10 deliveries in 15 min.")).toBeVisible();
    await expect(page.locator("[data-secret]")).toHaveCount(0);
    expect(await page.content()).not.toContain("secret-part");
    await expect(
      page.getByRole("region", { name: "History" }).or(page.locator("section", { has: page.getByRole("heading", { name: "History" }) })),
    ).toContainText("answered 404: no such hook");
    await takeScreenshots(page, "alerts-history");

    const viewerContext = await browser.newContext();
    const viewerPage = await viewerContext.newPage();
    await signIn(viewerPage, VIEWER, { url: `${app.baseUrl}/sign-in?next=/alerts` });
    await expect(viewerPage.getByRole("heading", { name: "Channels" })).toBeVisible();
    await expect(viewerPage.getByRole("row", { name: /^team chat/ })).toBeVisible();
    await expect(viewerPage.getByRole("button", { name: "Send test alert" })).toHaveCount(0);
    await expect(viewerPage.getByRole("form", { name: "Add a channel" })).toHaveCount(0);
    await viewerContext.close();
  } finally {
    await chat.close();
    await pager.close();
    await broken.close();
  }
});
