import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/api-tokens.ts";
import { revokeApiToken } from "@/lib/auth/revoke-api-token.ts";
import { createSession, revokeSession } from "@/lib/auth/sessions.ts";
import { getPrisma } from "@/lib/db.ts";
import { removeUser } from "@/lib/users/remove-user.ts";
import { maskitBody } from "@/lib/senders/multipart-body.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { callServerAction, listServerActions } from "./helpers/server-actions.ts";
import { commandLine } from "./helpers/command-line.ts";

// What an outsider tries against sign-in and the answers' headers (issue 15, items 6, 7, 9):
// the return path after sign-in stays on this site, every answer forbids framing and sniffing,
// and concurrent guesses cannot outrun the sign-in limits, nor lock the only admin out.

const PASSWORD = "the admin's long password";
let env: TestEnvironment;
let imageId: string;

beforeAll(async () => {
  // Open event streams check their credentials every second here (default 10 s).
  env = await startTestEnvironment({ EVENTS_AUTH_RECHECK_SECONDS: "1" });
  await createUser({ email: "admin@example.com", role: "admin", password: PASSWORD });
  await createUser({ email: "redirect@example.com", role: "viewer", password: PASSWORD });
  await env.createMaskitSource("header-camera", ["whsec_header-camera-secret-0001"]);
  const { body, contentType } = maskitBody(await makeJpeg(64, 48), "headers");
  const stored = await env.post("header-camera", body, {
    "content-type": contentType,
    "x-signature": createHmac("sha256", "whsec_header-camera-secret-0001").update(body).digest("hex"),
  });
  const delivery = await (await env.api(`/api/deliveries/${((await stored.json()) as { id: string }).id}`)).json();
  imageId = delivery.image.id;
});

afterAll(async () => {
  await env?.close();
});

describe("the return path after sign-in", () => {
  it.each(["/%09/evil.example/", "//evil.example/", "/%5Cevil.example/", "/%0A/evil.example", "https://evil.example/"])(
    "never leaves the site for next=%s",
    async (next) => {
      const response = await signIn("redirect@example.com", PASSWORD, { next: decodeURIComponent(next) });
      expect(response.headers.get("set-cookie")).toContain("webhook_inbox_session=");
      const location = response.headers.get("x-action-redirect") ?? response.headers.get("location");
      expect(location, "the action redirects").toBeTruthy();
      const target = new URL(location!.split(";")[0], env.app.baseUrl);
      expect(target.origin).toBe(env.app.baseUrl);
      expect(target.pathname).toBe("/gallery");
    },
  );

  it("keeps a path on this site", async () => {
    const response = await signIn("redirect@example.com", PASSWORD, { next: "/deliveries?status=failed" });
    const location = response.headers.get("x-action-redirect") ?? response.headers.get("location");
    expect(location?.split(";")[0]).toBe("/deliveries?status=failed");
  });
});

describe("headers on every answer", () => {
  const cases = () => [
    { name: "sign-in page", request: () => fetch(`${env.app.baseUrl}/sign-in`) },
    { name: "a missing page", request: () => fetch(`${env.app.baseUrl}/no-such-page`) },
    { name: "operator API", request: () => env.api("/api/deliveries") },
    { name: "API refusal", request: () => fetch(`${env.app.baseUrl}/api/deliveries`) },
    { name: "image", request: () => env.api(`/api/images/${imageId}`) },
    { name: "thumbnail", request: () => env.api(`/api/images/${imageId}/thumbnail`) },
    { name: "webhook 401", request: () => env.post("header-camera", Buffer.from("x"), { "content-type": "multipart/form-data; boundary=B" }) },
    { name: "webhook 404", request: () => env.post("no-such-source", Buffer.from("x"), { "content-type": "multipart/form-data; boundary=B" }) },
    { name: "webhook 405", request: () => fetch(`${env.app.baseUrl}/api/webhooks/header-camera`) },
  ];

  it("forbid framing and sniffing and limit the referrer", async () => {
    for (const { name, request } of cases()) {
      const response = await request();
      await response.arrayBuffer();
      expect(response.headers.get("x-frame-options"), name).toBe("DENY");
      expect(response.headers.get("x-content-type-options"), name).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), name).toBe("strict-origin-when-cross-origin");
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp, name).toContain("frame-ancestors 'none'");
      expect(csp, name).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
      expect(csp, name).not.toContain("unsafe-eval");
    }
  });

  it("put this answer's nonce on every script of a page, and a new one on the next", async () => {
    const pages = [await fetch(`${env.app.baseUrl}/sign-in`), await fetch(`${env.app.baseUrl}/no-such-page`)];
    const nonces: string[] = [];
    for (const page of pages) {
      const nonce = /'nonce-([^']+)'/.exec(page.headers.get("content-security-policy")!)![1];
      const html = await page.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("ignore a policy the client sent", async () => {
    const response = await fetch(`${env.app.baseUrl}/sign-in`, { headers: { "content-security-policy": "script-src 'nonce-chosen-by-client'" } });
    const html = await response.text();
    expect(html).not.toContain("chosen-by-client");
    expect(response.headers.get("content-security-policy")).not.toContain("chosen-by-client");
  });
});

describe("sign-in limits", () => {
  it("let at most 5 of 40 concurrent wrong passwords for one account reach the password check", async () => {
    const attacker = { "x-forwarded-for": "203.0.113.7" };
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn("admin@example.com", `wrong guess ${i}`, { headers: attacker })));
    const texts = await Promise.all(answers.map((answer) => answer.text()));
    // Each is either checked, or refused: locked, or another attempt for the account was being counted.
    const refused = texts.filter((text) => text.includes("Too many failed sign-ins") || text.includes("Another sign-in for this account is being checked"));
    const checkedAnswers = texts.filter((text) => text.includes("do not match"));
    expect(refused.length + checkedAnswers.length, env.app.output().slice(-2000)).toBe(40);
    expect(checkedAnswers.length).toBeLessThanOrEqual(5);
    const checked = await getPrisma().auditEvent.count({
      where: { action: "auth.sign_in_failed", targetName: "admin@example.com", detail: { path: ["reason"], equals: "wrong email or password" } },
    });
    expect(checked).toBeLessThanOrEqual(5);
    // Sequential guesses from that address are refused too, even the right password now.
    for (let i = 0; i < 5; i++) await (await signIn("admin@example.com", `late guess ${i}`, { headers: attacker })).text();
    expect(
      await getPrisma().auditEvent.count({
        where: { action: "auth.sign_in_failed", targetName: "admin@example.com", detail: { path: ["reason"], equals: "wrong email or password" } },
      }),
    ).toBe(5);
    expect(await (await signIn("admin@example.com", PASSWORD, { headers: attacker })).text()).toContain("Too many failed sign-ins");
  });

  it("do not lock the admin out from another address", async () => {
    const response = await signIn("admin@example.com", PASSWORD, { headers: { "x-forwarded-for": "198.51.100.20" } });
    expect(response.headers.get("set-cookie")).toContain("webhook_inbox_session=");
  });

  it("throttle an account guessed at from many addresses instead of locking it", async () => {
    // 10 addresses, one wrong guess each: past the account's threshold, one attempt per 30 s.
    for (let i = 0; i < 10; i++) await (await signIn("admin@example.com", "wrong", { headers: { "x-forwarded-for": `192.0.2.${i + 1}` } })).text();
    const throttled = await (await signIn("admin@example.com", PASSWORD, { headers: { "x-forwarded-for": "198.51.100.21" } })).text();
    expect(throttled).toMatch(/many failed sign-ins; try again in \d+ seconds/);
  });

  it("are lifted by `user unlock`, audited", async () => {
    // Not execFileSync: a blocked event loop cannot see the app close an idle keep-alive
    // connection, and the next request written into it fails with EPIPE.
    const { stdout: output } = await promisify(execFile)(process.execPath, commandLine("cli", ["user", "unlock", "--email", "admin@example.com"]), {
      env: { ...process.env, DATABASE_URL: env.db.url, DATA_DIR: env.dataDir },
      encoding: "utf8",
    });
    expect(output).toMatch(/admin@example.com can sign in again \(\d+ failed sign-ins forgotten\)/);
    const response = await signIn("admin@example.com", PASSWORD, { headers: { "x-forwarded-for": "203.0.113.7" } });
    expect(response.headers.get("set-cookie")).toContain("webhook_inbox_session=");
    const audit = await getPrisma().auditEvent.findFirst({ where: { action: "user.unlock", targetName: "admin@example.com" } });
    expect(audit).toMatchObject({ actorKind: "system", actorName: "command line" });
  });

  it("are lifted by an admin on the Users page", async () => {
    await (await signIn("redirect@example.com", "wrong", { headers: { "x-forwarded-for": "203.0.113.9" } })).text();
    const admin = await signIn("admin@example.com", PASSWORD, { headers: { "x-forwarded-for": "198.51.100.22" } });
    const cookie = admin.headers.get("set-cookie")!.split(";")[0];
    const usersPage = await (await fetch(`${env.app.baseUrl}/users`, { headers: { cookie } })).text();
    expect(usersPage).toContain("Unlock (1 failed)");
    const unlock = listServerActions().find((action) => action.name === "unlockUserAction")!;
    const answer = await callServerAction({
      baseUrl: env.app.baseUrl,
      pagePath: "/users",
      actionId: unlock.id,
      fields: { email: "redirect@example.com" },
      headers: { cookie },
      previousState: { status: "idle", message: null },
    });
    expect(await answer.text()).toContain("redirect@example.com can sign in again (1 failed sign-in forgotten)");
    expect(await getPrisma().signInAttempt.count({ where: { email: "redirect@example.com", succeeded: false } })).toBe(0);
    expect(await getPrisma().auditEvent.count({ where: { action: "user.unlock", targetName: "redirect@example.com", actorName: "admin@example.com" } })).toBe(
      1,
    );
  });
});

describe("open event streams", () => {
  const SYSTEM = { kind: "system", name: "test" } as const;

  it("end with signed-out soon after their API token is revoked", async () => {
    const { token, record } = await createApiToken({ name: "stream token", role: "viewer" });
    const stream = await openStream({ authorization: `Bearer ${token}` });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(stream.hasEnded()).toBe(false); // still valid: still open
    await revokeApiToken({ tokenId: record.id, actor: SYSTEM });
    expect(await stream.endsWithin(10_000)).toContain("event: signed-out");
    expect((await fetch(`${env.app.baseUrl}/api/events`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("end when their session is signed out", async () => {
    const user = await createUser({ email: "streamer@example.com", role: "viewer", password: PASSWORD });
    const { token } = await createSession(user.id);
    const stream = await openStream({ cookie: `webhook_inbox_session=${token}` });
    await revokeSession(token);
    expect(await stream.endsWithin(10_000)).toContain("event: signed-out");
  });

  it("end when their user is removed", async () => {
    const user = await createUser({ email: "removed-streamer@example.com", role: "viewer", password: PASSWORD });
    const { token } = await createSession(user.id);
    const stream = await openStream({ cookie: `webhook_inbox_session=${token}` });
    await removeUser({ userId: user.id, actor: SYSTEM });
    expect(await stream.endsWithin(10_000)).toContain("event: signed-out");
  });
});

/** An /api/events stream read to its end; `endsWithin` resolves with all it received, or fails. */
async function openStream(headers: Record<string, string>) {
  const response = await fetch(`${env.app.baseUrl}/api/events`, { headers: { accept: "text/event-stream", ...headers } });
  expect(response.status).toBe(200);
  let text = "";
  let hasEnded = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
    hasEnded = true;
    return text;
  })();
  return {
    hasEnded: () => hasEnded,
    endsWithin: (ms: number) =>
      Promise.race([reading, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the stream was still open after ${ms} ms: ${text}`)), ms))]),
  };
}

function signIn(email: string, password: string, options: { next?: string; headers?: Record<string, string> } = {}) {
  const action = listServerActions().find((candidate) => candidate.name === "signIn")!;
  return callServerAction({
    baseUrl: env.app.baseUrl,
    pagePath: "/sign-in",
    actionId: action.id,
    fields: { email, password, next: options.next ?? "/gallery" },
    previousState: { error: null, email: "" },
    headers: options.headers,
  });
}
