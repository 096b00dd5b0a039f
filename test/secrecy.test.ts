import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannel } from "@/lib/alerts/channels/create-channel.ts";
import { createRule } from "@/lib/alerts/rules/create-rule.ts";
import { createApiToken } from "@/lib/auth/api-tokens.ts";
import { createSession } from "@/lib/auth/sessions.ts";
import { useDatabaseUrl } from "@/lib/config.ts";
import { closeDatabase, getPrisma } from "@/lib/db.ts";
import { createDestination } from "@/lib/forwarding/create-destination.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { startDestinationServer, type DestinationServer } from "./helpers/destination-server.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { waitFor } from "./helpers/alert-receivers.ts";
import { startAppServer, type AppServer } from "./helpers/app-server.ts";
import { fillPattern, listAppRoutes } from "./helpers/app-routes.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";
import { createScratchDatabase } from "./helpers/server-database.ts";

// A shared secret, once pasted, is never seen again: after exercising the app (verified and
// failed deliveries, every page, every API read), the secret is searched for in every HTTP
// response, the server's log, a pg_dump of the database and every file under DATA_DIR. So is a
// forwarding destination's signing secret.

const SECRET = "whsec_SecrecyTest-Known-Secret-9f8e7d6c5b4a";
const FORMS = [SECRET, Buffer.from(SECRET).toString("base64"), Buffer.from(SECRET).toString("hex")];
let database: Awaited<ReturnType<typeof createScratchDatabase>>;
let dataDir: string;
let app: AppServer;
let destination: DestinationServer;
const responses: string[] = [];

beforeAll(async () => {
  database = await createScratchDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-secrecy-"));
  await chmod(dataDir, 0o755);
  // No ENCRYPTION_KEY: the app generates its key into DATA_DIR, which is searched too.
  process.env.DATA_DIR = dataDir;
  delete process.env.ENCRYPTION_KEY;
  useDatabaseUrl(database.url);
  process.env.ALLOW_PRIVATE_DESTINATIONS = "1";
  const source = await createSource({ kind: "maskit", slug: "secret-camera", secret: Buffer.from(SECRET) });
  app = await startAppServer({
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    ENCRYPTION_KEY: "",
    ALERT_INTERVAL_SECONDS: "0.3",
    ALERT_RETRY_BASE_SECONDS: "0.2",
    ALERT_MAX_ATTEMPTS: "2",
    ALLOW_PRIVATE_DESTINATIONS: "1",
  });
  // Alert channels hold secrets too (a Slack URL, an SMTP password): the same secret in each,
  // and a rule that fires at once, so the app tries them, fails (nothing listens) and shows why.
  const system = { kind: "system", name: "secrecy test" } as const;
  await createChannel({ actor: system, name: "secret chat", config: { kind: "slack", url: `http://127.0.0.1:9/services/${SECRET}` } });
  await createChannel({
    actor: system,
    name: "secret mail",
    config: { kind: "email", to: ["ops@example.com"], smtpUrl: `smtp://mailer:${SECRET}@127.0.0.1:9` },
  });
  await createRule({ actor: system, kind: "silence", params: { thresholdSeconds: 1 } });
  await waitFor(
    () =>
      getPrisma()
        .alertSend.count({ where: { status: "failed" } })
        .then((count) => count >= 2),
    30_000,
    "the alert sends to fail",
  );
  // A forwarding destination's signing secret, printed once when it is made, is held to the same rule.
  destination = await startDestinationServer();
  const { secret: signingSecret } = await createDestination({ source: "secret-camera", url: destination.url, actor: { kind: "system", name: "test" } });
  const key = Buffer.from(signingSecret.slice("whsec_".length), "base64");
  FORMS.push(signingSecret.slice("whsec_".length), key.toString("hex"), key.toString("base64url"));

  const image = await makeJpeg(800, 600);
  const deliveryIds: string[] = [];
  for (const [metadata, secret] of [
    ["good", SECRET],
    ["bad", "whsec_some-other-secret-entirely-000"],
  ]) {
    const { body, contentType } = maskitBody(image, metadata);
    const signature = createHmac("sha256", secret).update(body).digest("hex");
    const response = await fetch(`${app.baseUrl}/api/webhooks/secret-camera`, {
      method: "POST",
      body: new Uint8Array(body),
      headers: { "content-type": contentType, "x-signature": signature },
    });
    deliveryIds.push((await keep(response)).id);
  }
  await destination.waitFor(1); // the verified one was forwarded, and its attempt logged
  const admin = await createUser({ email: "secrecy@example.com", role: "admin", password: "a long enough password" });
  const { token: session } = await createSession(admin.id);
  const { token } = await createApiToken({ name: "secrecy", role: "admin" });
  const delivery = await (await fetch(`${app.baseUrl}/api/deliveries/${deliveryIds[0]}`, { headers: { authorization: `Bearer ${token}` } })).json();

  const ids = [source.id, source.slug, ...deliveryIds, delivery.image.id];
  for (const route of listAppRoutes()) {
    // The event stream never ends, and carries only ids, slugs and statuses.
    if (!route.methods.includes("GET") || route.pattern === "/api/events") continue;
    for (const id of route.pattern.includes("[") ? ids : [""]) {
      const url = `${app.baseUrl}${fillPattern(route.pattern, { id, slug: source.slug })}`;
      await keep(await fetch(url, { headers: { cookie: `webhook_inbox_session=${session}` } }));
      await keep(await fetch(url, { headers: { authorization: `Bearer ${token}` } }));
    }
  }
  await keep(await fetch(`${app.baseUrl}/api/deliveries?limit=200`, { headers: { authorization: `Bearer ${token}` } }));
});

afterAll(async () => {
  await app?.stop();
  await destination?.close();
  await closeDatabase();
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("a shared secret is never shown again", () => {
  it("is in no HTTP response", () => {
    expect(responses.length).toBeGreaterThan(10);
    expect(responses.some((text) => text.includes("secret-camera"))).toBe(true); // the search does find what is there
    for (const form of FORMS) expect(responses.filter((text) => text.includes(form))).toEqual([]);
  });

  it("is not in the server's log", () => {
    for (const form of FORMS) expect(app.output()).not.toContain(form);
  });

  it("is not in a pg_dump of the database", () => {
    const dump = execFileSync("pg_dump", ["--no-owner", database.url], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
    expect(dump).toContain("secret-camera");
    for (const form of FORMS) expect(dump).not.toContain(form);
  });

  it("is in no file under DATA_DIR", () => {
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(files.map((entry) => entry.name)).toContain("encryption.key");
    for (const entry of files) {
      const bytes = readFileSync(path.join(entry.parentPath, entry.name));
      for (const form of FORMS) expect(bytes.includes(Buffer.from(form)), path.join(entry.parentPath, entry.name)).toBe(false);
    }
  });
});

async function keep(response: Response) {
  const text = await response.text();
  responses.push(`${[...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n")}\n\n${text}`);
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
