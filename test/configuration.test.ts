import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./helpers/app-server.ts";

// Configuration (issue 15, item 12): `.env` in the working folder is read by `npm start` and
// `npm run cli`, the environment winning over it; a value that cannot be right stops the start
// at once with one line naming the variable, before any database is started.

const ENV_FILE = path.resolve(".env");
let dataDir: string;
// A developer's own .env is never touched: these tests then skip.
const hasOwnEnvFile = existsSync(ENV_FILE);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-config-"));
  await chmod(dataDir, 0o755);
});

afterAll(async () => {
  if (!hasOwnEnvFile) await rm(ENV_FILE, { force: true });
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

describe(".env", { skip: hasOwnEnvFile }, () => {
  it("is read by npm start, the environment winning over it", { timeout: 60_000 }, async () => {
    const fromFile = withEnvFile(`# written by test/configuration.test.ts\nBLOB_STORE=floppy\nPORT=${await freePort()}\n`, () => npmStart({}));
    expect(fromFile.output).toContain("could not start: Invalid configuration: BLOB_STORE: must be filesystem, s3 or postgres");
    // The environment's own value wins: the start then fails only on the file's other bad value.
    const overridden = withEnvFile("BLOB_STORE=floppy\nPORT=not-a-port\n", () => npmStart({ BLOB_STORE: "filesystem" }));
    expect(overridden.output).toContain("could not start: Invalid configuration: PORT: must be a port number, 1-65535");
    expect(overridden.output).not.toContain("BLOB_STORE");
  });

  it("is read by npm run cli", { timeout: 120_000 }, async () => {
    const result = withEnvFile(`DATA_DIR=${dataDir}\n`, () =>
      spawnSync("npm", ["run", "--silent", "cli", "--", "token", "create", "--name", "from-dotenv", "--role", "viewer"], {
        env: withoutOurVariables(process.env),
        encoding: "utf8",
      }),
    );
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(path.join(dataDir, "postgres.json")), "the CLI's embedded database is under the DATA_DIR from .env").toBe(true);
  });
});

/**
 * `.env` in the checkout only while `run` runs: other test files start apps and CLIs from the
 * same folder at the same time, and would read it too (a bad value in it fails them), so it
 * stays no longer than the one command that needs it. Those apps and CLIs set DATA_DIR and
 * PORT themselves, which wins over the file; a BLOB_STORE of their own they mostly do not.
 */
function withEnvFile<T>(content: string, run: () => T): T {
  writeFileSync(ENV_FILE, content);
  try {
    return run();
  } finally {
    rmSync(ENV_FILE, { force: true });
  }
}

function npmStart(env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync("npm", ["start"], {
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
