import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { fillPattern, listAppRoutes } from "./helpers/app-routes.ts";

// Nobody sees anything without signing in: every page and operator API route of the app,
// enumerated from the files in app/, is requested with no credentials (and with a bogus token
// and cookie). Only the webhook receiver, sign-in and first-run setup are open.

const OPEN = new Set(["/api/webhooks/[slug]", "/sign-in", "/setup"]);
let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
});

afterAll(async () => {
  await env?.close();
});

describe("access without credentials", () => {
  const routes = listAppRoutes();

  it("finds the app's routes", () => {
    expect(routes.map((route) => route.pattern)).toEqual(expect.arrayContaining(["/api/deliveries", "/api/images/[id]", "/gallery", "/sign-in"]));
  });

  for (const route of routes.filter((candidate) => !OPEN.has(candidate.pattern))) {
    for (const method of route.methods) {
      it(`${method} ${route.pattern} refuses or sends to sign-in`, async () => {
        const url = `${env.app.baseUrl}${fillPattern(route.pattern)}`;
        const attempts: Array<Record<string, string>> = [
          {},
          { authorization: "Bearer whi_forged-token-0000000000000000000000000" },
          { cookie: "webhook_inbox_session=forged" },
        ];
        for (const headers of attempts) {
          const response = await fetch(url, { method, headers, redirect: "manual" });
          if (route.kind === "api") {
            expect(response.status, `${method} ${url}`).toBe(401);
          } else {
            expect([307, 308], `${method} ${url}`).toContain(response.status);
            const location = new URL(response.headers.get("location")!, url);
            expect(["/sign-in", "/gallery"]).toContain(location.pathname);
            if (location.pathname === "/gallery") {
              const next = await fetch(location, { headers, redirect: "manual" });
              expect(new URL(next.headers.get("location")!, url).pathname).toBe("/sign-in");
            }
          }
        }
      });
    }
  }

  it("leaves the receiver open (404 for an unknown source, not 401)", async () => {
    expect((await fetch(`${env.app.baseUrl}/api/webhooks/nobody`, { method: "POST", body: "x" })).status).toBe(404);
  });

  it("shows the sign-in page, and the setup page only says the link is not valid", async () => {
    expect((await fetch(`${env.app.baseUrl}/sign-in`)).status).toBe(200);
    const setup = await fetch(`${env.app.baseUrl}/setup?token=guessed`);
    expect(await setup.text()).toContain("This setup link is not valid");
  });
});
