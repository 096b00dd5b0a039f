import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// scripts/entry.mjs: package.json's commands run from their bundles when the build is fresh
// (every other test runs them so), and from the TypeScript through tsx when it is not. This is
// the second path: a build folder with no stamp in it (NEXT_DIST_DIR) is a stale build.

let emptyBuild: string;

beforeAll(async () => {
  emptyBuild = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-no-build-"));
});

afterAll(async () => {
  await rm(emptyBuild, { recursive: true, force: true });
});

function entry(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["scripts/entry.mjs", ...args], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });
}

describe("scripts/entry.mjs", () => {
  it("runs the CLI and the sender from their sources when there is no fresh build", () => {
    const cli = entry(["cli", "help"], { NEXT_DIST_DIR: emptyBuild });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain("usage: npm run cli -- <command>");
    const send = entry(["send", "no-such-command"], { NEXT_DIST_DIR: emptyBuild });
    expect(send.status).toBe(2);
    expect(send.stderr).toContain('unknown command "no-such-command"');
  });

  it("passes the command its own arguments, from the bundle as from the sources", () => {
    const fromBundle = entry(["cli", "no-such", "command"]);
    const fromSources = entry(["cli", "no-such", "command"], { NEXT_DIST_DIR: emptyBuild });
    for (const result of [fromBundle, fromSources]) {
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('unknown command "no-such command"');
    }
  });

  it("refuses a command package.json does not have", () => {
    const result = entry(["deploy"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("usage: node scripts/entry.mjs start|cli|send");
  });
});
