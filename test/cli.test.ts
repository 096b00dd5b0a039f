import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner } from "./helpers/cli-runner.ts";

// The command line against the embedded database, with no app running: it starts PostgreSQL
// itself, migrates, does its work and stops it again. Secrets and tokens come out once, alone
// on the last line, and are not stored in clear.

let dataDir: string;

const { cli, cliFailure, query } = cliRunner(() => dataDir);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-cli-"));
  await chmod(dataDir, 0o755);
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm run cli", () => {
  it("adds a user with the password from standard input, hashed with argon2id", async () => {
    expect(cli(["user", "add", "--email", "Ops@Example.com", "--role", "admin"], "a long enough password\n").stdout).toContain(
      "ops@example.com added as admin",
    );
    const [user] = await query<{ email: string; password_hash: string }>("SELECT email, password_hash FROM users");
    expect(user.email).toBe("ops@example.com");
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    // Audited like every other change, the command line named as the actor; no password in it.
    const audit = await query<{ action: string; actor_name: string; target_name: string; detail: unknown }>(
      "SELECT action, actor_name, target_name, detail FROM audit_events WHERE action = 'user.create'",
    );
    expect(audit).toEqual([
      { action: "user.create", actor_name: "command line", target_name: "ops@example.com", detail: { email: "ops@example.com", role: "admin" } },
    ]);
  });

  it("adds a maskit source with a generated secret printed once, alone on the last line", async () => {
    const { stdout, lastLine } = cli(["source", "add", "--kind", "maskit", "--slug", "camera-7", "--name", "Camera 7", "--generate"]);
    expect(stdout).toContain("POST /api/webhooks/camera-7");
    expect(lastLine).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const rows = await query<{ secret_ciphertext: Buffer; fingerprint: string }>("SELECT secret_ciphertext, fingerprint FROM credentials");
    expect(rows).toHaveLength(1);
    expect(rows[0].secret_ciphertext.includes(Buffer.from(lastLine))).toBe(false);
    expect(rows[0].fingerprint).not.toContain(lastLine.slice(6, 14));
  });

  it("adds a source with a secret from standard input and prints no secret", async () => {
    const { stdout } = cli(["source", "add", "--kind", "maskit", "--slug", "camera-8", "--secret-stdin"], "pasted-secret-of-enough-length\n");
    expect(stdout).not.toContain("pasted-secret");
  });

  it("creates an API token printed once, stored only as a hash", async () => {
    const { lastLine } = cli(["token", "create", "--name", "ci", "--role", "viewer"]);
    expect(lastLine).toMatch(/^whi_[A-Za-z0-9_-]{43}$/);
    const [token] = await query<{ token_hash: string; role: string }>("SELECT token_hash, role FROM api_tokens");
    expect(token.role).toBe("viewer");
    expect(token.token_hash).not.toContain(lastLine);
  });

  it("explains bad input", () => {
    expect(cliFailure(["source", "add", "--kind", "maskit", "--slug", "Bad Slug"])).toContain("slug may contain");
    expect(cliFailure(["source", "add", "--kind", "maskit", "--slug", "camera-7"])).toContain("already exists");
    expect(cliFailure(["token", "create", "--name", "x", "--role", "root"])).toContain("--role must be admin or viewer");
    expect(cliFailure(["user", "add", "--email", "not-an-email", "--role", "viewer"])).toContain("email");
    expect(cliFailure(["frobnicate"])).toContain("usage:");
  });
});
