import { generateKeyPairSync } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
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

  it("adds a source of each new kind with its scheme options, stored per source", async () => {
    const standard = cli(["source", "add", "--kind", "standard-webhooks", "--slug", "svix-hook", "--tolerance", "120", "--generate"]);
    // Standard Webhooks senders decode the secret as standard base64: so it is generated.
    expect(standard.lastLine).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(standard.stdout).toContain("toleranceSeconds: 120");
    cli(["source", "add", "--kind", "github", "--slug", "gh-repo", "--secret-stdin"], "github-webhook-secret-1234\n");
    cli(["source", "add", "--kind", "stripe", "--slug", "stripe-live", "--secret-stdin"], "whsec_stripe_signing_secret_abc\n");
    const generic = cli([
      "source",
      "add",
      "--kind",
      "hmac",
      "--slug",
      "shop",
      "--header",
      "X-Shop-Hmac",
      "--algorithm",
      "sha512",
      "--encoding",
      "base64",
      "--prefix",
      "v1=",
      "--signed-string",
      "timestamp.body",
      "--timestamp-header",
      "X-Shop-Time",
      "--dedupe-json-field",
      "order.id",
      "--generate",
    ]);
    expect(generic.stdout).toContain("POST /api/webhooks/shop");
    const rows = await query<{ slug: string; kind: string; scheme_options: unknown; credentials: number }>(
      "SELECT slug, kind::text, scheme_options, (SELECT count(*)::int FROM credentials c WHERE c.source_id = s.id) AS credentials FROM sources s WHERE slug IN ('svix-hook', 'gh-repo', 'stripe-live', 'shop') ORDER BY slug",
    );
    expect(rows).toEqual([
      { slug: "gh-repo", kind: "github", scheme_options: {}, credentials: 1 },
      {
        slug: "shop",
        kind: "hmac",
        scheme_options: {
          header: "x-shop-hmac",
          algorithm: "sha512",
          encoding: "base64",
          prefix: "v1=",
          signedString: "timestamp.body",
          timestampHeader: "x-shop-time",
          toleranceSeconds: 300,
          dedupeJsonField: "order.id",
        },
        credentials: 1,
      },
      { slug: "stripe-live", kind: "stripe", scheme_options: { toleranceSeconds: 300 }, credentials: 1 },
      { slug: "svix-hook", kind: "standard-webhooks", scheme_options: { toleranceSeconds: 120 }, credentials: 1 },
    ]);
  });

  it("adds secrets and ed25519 keys to an existing source", async () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    const keyFile = path.join(dataDir, "sender.pub.pem");
    await writeFile(keyFile, publicKey.export({ type: "spki", format: "pem" }));
    expect(cli(["credential", "add", "--source", "svix-hook", "--public-key-file", keyFile, "--label", "sender v1a"]).stdout).toContain('key "sender v1a"');
    expect(cli(["credential", "add", "--source", "svix-hook", "--generate"]).lastLine).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const kinds = await query<{ kind: string }>(
      "SELECT c.kind::text FROM credentials c JOIN sources s ON s.id = c.source_id WHERE s.slug = 'svix-hook' ORDER BY c.created_at",
    );
    expect(kinds.map((row) => row.kind)).toEqual(["hmac_secret", "ed25519_public_key", "hmac_secret"]);
    expect(cliFailure(["credential", "add", "--source", "gh-repo", "--public-key-file", keyFile])).toContain("not public keys");
    expect(cliFailure(["credential", "add", "--source", "svix-hook", "--secret-stdin"])).toMatch(/whsec_|at least 16/);
  });

  it("explains bad scheme options in terms of the command line's flags", () => {
    expect(cliFailure(["source", "add", "--kind", "hmac", "--slug", "no-header"])).toContain("hmac sources need --header");
    expect(cliFailure(["source", "add", "--kind", "hmac", "--slug", "bad-alg", "--header", "X-Sig", "--algorithm", "md5"])).toContain(
      "algorithm must be sha256, sha384, sha512 or sha1",
    );
    expect(cliFailure(["source", "add", "--kind", "hmac", "--slug", "bad-ts", "--header", "X-Sig", "--signed-string", "timestamp.body"])).toContain(
      "--timestamp-header is required",
    );
    expect(cliFailure(["source", "add", "--kind", "github", "--slug", "gh-tol", "--tolerance", "60"])).toContain("github sources have no option --tolerance");
    expect(cliFailure(["source", "add", "--kind", "stripe", "--slug", "st-tol", "--tolerance", "0"])).toContain("--tolerance must be at least 1");
    expect(cliFailure(["source", "add", "--kind", "maskit", "--slug", "mk-tol", "--tolerance", "60"])).toContain(
      "--tolerance is not an option of MaskIt sources",
    );
    expect(cliFailure(["source", "add", "--kind", "paypal", "--slug", "pp"])).toContain("kind must be one of");
  });

  it("explains bad input", () => {
    expect(cliFailure(["source", "add", "--kind", "maskit", "--slug", "Bad Slug"])).toContain("slug may contain");
    expect(cliFailure(["source", "add", "--kind", "maskit", "--slug", "camera-7"])).toContain("already exists");
    expect(cliFailure(["token", "create", "--name", "x", "--role", "root"])).toContain("--role must be admin or viewer");
    expect(cliFailure(["user", "add", "--email", "not-an-email", "--role", "viewer"])).toContain("email");
    expect(cliFailure(["blobs", "migrate", "--to", "s3", "--batch", "0"])).toContain("--batch must be a whole number of blobs from 1 to 10000");
    expect(cliFailure(["frobnicate"])).toContain("usage:");
  });
});
