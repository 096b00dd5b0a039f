import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./helpers/app-server.ts";

// Configuration (issue 15, item 12): `.env` in the working folder is read by `npm start` and
// `npm run cli`, the environment winning over it; a value that cannot be right stops the start
// at once with one line naming the variable, before any database is started.

// The commands run in a checkout of their own: a folder of symbolic links to this one's files
// (the same sources, build and node_modules, so the same stamp and bundles), with a `.env` of
// its own. A `.env` here would be read by every app and CLI that other test files start from
// this folder meanwhile (one failed on a BLOB_STORE=floppy), and a developer's own is never touched.
let checkout: string;
let envFile: string;
let dataDir: string;

beforeAll(async () => {
  checkout = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-checkout-"));
  for (const name of await readdir(process.cwd())) {
    if (name !== ".env" && name !== ".git") await symlink(path.resolve(name), path.join(checkout, name));
  }
  envFile = path.join(checkout, ".env");
  dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-config-"));
  await chmod(dataDir, 0o755);
});

afterAll(async () => {
  await rm(checkout, { recursive: true, force: true }); // the links, not what they point to
  await rm(dataDir, { recursive: true, force: true });
});

describe("invalid values stop the start, naming the variable", () => {
  it.each([
    ["PORT", "three-thousand", "PORT: must be a port number, 1-65535"],
    ["PORT", "70000", "PORT: must be a port number, 1-65535"],
    ["ENCRYPTION_KEY", "not-32-bytes", "ENCRYPTION_KEY: must be 32 bytes, base64 (openssl rand -base64 32) or 64 hex digits"],
    ["BLOB_STORE", "floppy", "BLOB_STORE: must be filesystem, s3 or postgres"],
    ["MAX_BODY_BYTES", "lots", "MAX_BODY_BYTES:"],
  ])("%s=%s", { timeout: 60_000 }, async (name, value, expected) => {
    const result = npmStart({ [name]: value });
    expect(result.status).toBe(1);
    const lines = result.output.split("\n").filter((line) => line.startsWith("[webhook-inbox]"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`[webhook-inbox] could not start: Invalid configuration: ${expected}`);
    if (name === "ENCRYPTION_KEY") expect(result.output).not.toContain(value.slice(4)); // a key is never echoed
    expect(existsSync(path.join(dataDir, "postgres"))).toBe(false);
  });
});

describe(".env", () => {
  it("is read by npm start, the environment winning over it", { timeout: 60_000 }, async () => {
    await writeFile(envFile, `# written by test/configuration.test.ts\nBLOB_STORE=floppy\nPORT=${await freePort()}\n`);
    const fromFile = npmStart({});
    expect(fromFile.output).toContain("could not start: Invalid configuration: BLOB_STORE: must be filesystem, s3 or postgres");
    // The environment's own value wins: the start then fails only on the file's other bad value.
    await writeFile(envFile, "BLOB_STORE=floppy\nPORT=not-a-port\n");
    const overridden = npmStart({ BLOB_STORE: "filesystem" });
    expect(overridden.output).toContain("could not start: Invalid configuration: PORT: must be a port number, 1-65535");
    expect(overridden.output).not.toContain("BLOB_STORE");
  });

  it("is read by npm run cli", { timeout: 120_000 }, async () => {
    await writeFile(envFile, `DATA_DIR=${dataDir}\n`);
    const result = spawnSync("npm", ["run", "--silent", "cli", "--", "token", "create", "--name", "from-dotenv", "--role", "viewer"], {
      cwd: checkout,
      env: withoutOurVariables(process.env),
      encoding: "utf8",
    });
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(path.join(dataDir, "postgres.json")), "the CLI's embedded database is under the DATA_DIR from .env").toBe(true);
  });
});

function npmStart(env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync("npm", ["start"], {
    cwd: checkout,
    env: { ...withoutOurVariables(process.env), DATA_DIR: dataDir, ...env },
    encoding: "utf8",
    timeout: 50_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The test runner's own environment, minus what the app reads, so that only .env and `env` count. */
function withoutOurVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const names = ["PORT", "DATABASE_URL", "DATA_DIR", "ENCRYPTION_KEY", "BLOB_STORE", "BLOB_DIR", "MAX_BODY_BYTES"];
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name))) as NodeJS.ProcessEnv;
}
