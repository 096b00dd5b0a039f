import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBundle } from "../scripts/lib/server-bundles.ts";
import { freePort } from "./helpers/app-server.ts";
import { copyClusterTemplate } from "./helpers/cluster-template.ts";
import { descendants } from "./helpers/process-tree.ts";

// `npm start` as a supervisor runs it (issue 15, item 11): the real npm, a signal to one process
// of its tree, and /proc to see what is left. Every process must be gone, the embedded
// database stopped cleanly, and a second start must work.

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-stop-"));
  await chmod(dataDir, 0o755);
  await copyClusterTemplate(dataDir); // an embedded cluster migrated already: no initdb
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm start under a supervisor", () => {
  it("stops its whole tree on SIGTERM to npm, and starts again", { timeout: 240_000 }, async () => {
    const first = await npmStart();
    const tree = first.tree();
    expect(tree.length, "npm, node, the receiver, the dashboard and PostgreSQL").toBeGreaterThanOrEqual(5);
    process.kill(first.child.pid!, "SIGTERM");
    expect(await first.exitCode).toBe(0);
    await expectAllGone(tree);
    expect(existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);

    // The port and the data folder are free: a second start serves, and SIGINT to its
    // launcher (Ctrl-C, or a supervisor that signals the node process) stops it the same way.
    const second = await npmStart();
    expect((await fetch(`${second.baseUrl}/sign-in`)).status).toBe(200);
    const secondTree = second.tree();
    process.kill(processRunning(secondTree, "scripts/entry.mjs"), "SIGINT");
    expect(await second.exitCode).toBe(0);
    await expectAllGone(secondTree);
  });

  it("stops everything, and exits 0, when the receiver itself is sent SIGTERM", { timeout: 120_000 }, async () => {
    const started = await npmStart();
    const tree = started.tree();
    process.kill(processRunning(tree, serverBundle("receiver")), "SIGTERM");
    expect(await started.exitCode).toBe(0);
    await expectAllGone(tree);
  });

  it("stops the receiver and the database, and exits non-zero, when the dashboard dies", { timeout: 120_000 }, async () => {
    const started = await npmStart();
    const tree = started.tree();
    process.kill(processRunning(tree, serverBundle("dashboard")), "SIGKILL");
    expect(await started.exitCode).not.toBe(0);
    expect(started.output()).toMatch(/the dashboard died \(by SIGKILL\): stopping the rest and the database/);
    await expectAllGone(tree);
    expect(existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
  });

  it("refuses a port that is taken, in one line, and leaves nothing running", { timeout: 120_000 }, async () => {
    const holder = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, resolve));
    try {
      const failed = launch({ PORT: String(port) });
      expect(await failed.exitCode).toBe(1);
      const errors = failed
        .output()
        .split("\n")
        .filter((line) => /could not|error/i.test(line));
      expect(errors).toEqual([`[webhook-inbox] could not start: port ${port} is already in use (another webhook-inbox still running?): stop it, or set PORT`]);
      expect(existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
    } finally {
      holder.close();
    }
  });

  it("says in one line that the database is unreachable, and exits non-zero", { timeout: 120_000 }, async () => {
    const closedPort = await freePort();
    const failed = launch({ PORT: String(await freePort()), DATABASE_URL: `postgresql://postgres@localhost:${closedPort}/webhook_inbox` });
    expect(await failed.exitCode).toBe(1);
    const errors = failed
      .output()
      .split("\n")
      .filter((line) => /could not|error/i.test(line));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^\\[webhook-inbox\\] could not start: connect ECONNREFUSED .*:${closedPort}`));
  });
});

interface Launched {
  child: ChildProcess;
  baseUrl: string;
  exitCode: Promise<number | null>;
  output(): string;
  /** The pids of npm and every process under it now. */
  tree(): number[];
}

function launch(env: Record<string, string> & { PORT: string }): Launched {
  const port = env.PORT;
  let output = "";
  const child = spawn("npm", ["start"], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", ENCRYPTION_KEY: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exitCode = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, baseUrl: `http://127.0.0.1:${port}`, exitCode, output: () => output, tree: () => descendants(child.pid!) };
}

/** npm start on a free port, resolved once it says "serving on", which must mean the port answers. */
async function npmStart(): Promise<Launched> {
  const port = await freePort();
  const launched = launch({ PORT: String(port) });
  const deadline = Date.now() + 180_000;
  while (!launched.output().includes("serving on")) {
    if (launched.child.exitCode !== null) throw new Error(`npm start exited:\n${launched.output()}`);
    if (Date.now() > deadline) throw new Error(`npm start did not serve in time:\n${launched.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(void socket.end()));
    socket.once("error", (error) => reject(new Error(`"serving on" was printed before the port listened: ${error.message}`)));
  });
  return launched;
}

function processRunning(pids: number[], fragment: string): number {
  const pid = pids.find((candidate) => {
    try {
      const argv = readFileSync(`/proc/${candidate}/cmdline`, "utf8").split("\0");
      return argv.some((arg) => arg.endsWith(fragment));
    } catch {
      return false;
    }
  });
  if (!pid) throw new Error(`no process running ${fragment} among ${pids.join(", ")}`);
  return pid;
}

async function expectAllGone(pids: number[]): Promise<void> {
  const alive = () => pids.filter((pid) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z "));
  const deadline = Date.now() + 15_000;
  while (alive().length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(alive().map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ")}`)).toEqual([]);
}
