import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer } from "./helpers/app-server.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";
import { commandLine } from "./helpers/command-line.ts";

// `npm start` with no DATABASE_URL: the embedded PostgreSQL starts under DATA_DIR, stops
// cleanly on SIGTERM, and a restart keeps every delivery.

let dataDir: string;
const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: "", ENCRYPTION_KEY: "" });
const cli = (args: string[], input = "") =>
  execFileSync(process.execPath, commandLine("cli", args), { input, env: { ...process.env, ...env() }, encoding: "utf8" })
    .trimEnd()
    .split("\n")
    .at(-1)!;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-restart-"));
  await chmod(dataDir, 0o755);
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm start on the embedded database", () => {
  it("keeps deliveries across a clean stop and start", { timeout: 180_000 }, async () => {
    let app = await startAppServer(env());
    const secret = cli(["source", "add", "--kind", "maskit", "--slug", "dock", "--generate"]);
    const token = cli(["token", "create", "--name", "restart-test", "--role", "viewer"]);
    const delivery = maskitBody(await makeJpeg(640, 360), "before restart");
    const signature = createHmac("sha256", secret).update(delivery.body).digest("hex");
    const posted = await fetch(`${app.baseUrl}/api/webhooks/dock`, {
      method: "POST",
      body: new Uint8Array(delivery.body),
      headers: { "content-type": delivery.contentType, "x-signature": signature },
    });
    const { id } = await posted.json();
    expect(posted.status).toBe(200);

    await app.stop();
    expect(existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
    expect(app.output()).toContain("SIGTERM: stopping");

    app = await startAppServer(env());
    try {
      const response = await fetch(`${app.baseUrl}/api/deliveries/${id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id, status: "verified", metadata: "before restart" });
    } finally {
      await app.stop();
    }
  });
});
