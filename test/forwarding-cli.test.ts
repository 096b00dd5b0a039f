import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner } from "./helpers/cli-runner.ts";

// `destination add|list|pause|resume|remove` against the embedded database with no app
// running: the signing secret comes out once, alone on the last line, and is stored encrypted;
// a link-local URL is refused; each change is in the audit log.

let dataDir: string;

const { cli, cliFailure, query } = cliRunner(() => dataDir, { ALLOW_PRIVATE_DESTINATIONS: "" });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-destination-cli-"));
  await chmod(dataDir, 0o755);
  cli(["source", "add", "--kind", "maskit", "--slug", "cam", "--generate"]);
}, 120_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm run cli -- destination", { timeout: 120_000 }, () => {
  it("adds a destination (localhost allowed on the embedded database) and prints its secret once, last", async () => {
    const { stdout, lastLine } = cli(["destination", "add", "--source", "cam", "--url", "http://localhost:8080/hooks", "--name", "Local pipeline"]);
    expect(stdout).toContain("Local pipeline");
    expect(lastLine).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const rows = await query<{ secret_ciphertext: Buffer; url: string }>("SELECT secret_ciphertext, url FROM destinations");
    expect(rows).toEqual([{ secret_ciphertext: expect.any(Buffer), url: "http://localhost:8080/hooks" }]);
    expect(rows[0].secret_ciphertext.includes(Buffer.from(lastLine))).toBe(false);
    expect(rows[0].secret_ciphertext.includes(Buffer.from(lastLine.slice(6), "base64"))).toBe(false);
    expect(cli(["destination", "list"]).stdout).not.toContain(lastLine);
  });

  it("refuses link-local and metadata URLs, and an unknown source", () => {
    expect(cliFailure(["destination", "add", "--source", "cam", "--url", "http://169.254.169.254/latest/meta-data/"])).toMatch(/link-local or metadata/);
    expect(cliFailure(["destination", "add", "--source", "cam", "--url", "http://metadata.google.internal/"])).toMatch(/metadata/);
    expect(cliFailure(["destination", "add", "--source", "nobody", "--url", "http://localhost/"])).toMatch(/no longer exists|source/);
    expect(cliFailure(["destination", "add", "--source", "cam"])).toMatch(/--url is required/);
  });

  it("pauses, resumes and removes by id, each audited", async () => {
    const id = cli(["destination", "list"]).stdout.trim().split(/\s+/)[0];
    expect(cli(["destination", "pause", "--id", id]).stdout).toContain("paused");
    expect(cli(["destination", "list"]).stdout).toContain("paused (paused by an operator)");
    expect(cli(["destination", "resume", "--id", id]).stdout).toContain("resumed; 0 waiting deliveries sent again");
    expect(cli(["destination", "remove", "--id", id]).stdout).toContain("removed");
    expect(cli(["destination", "list"]).stdout).toContain("no destinations");
    const audit = await query<{ action: string }>("SELECT action FROM audit_events WHERE target_type = 'destination' ORDER BY at");
    expect(audit.map((row) => row.action)).toEqual(["destination.create", "destination.pause", "destination.resume", "destination.remove"]);
  });
});
