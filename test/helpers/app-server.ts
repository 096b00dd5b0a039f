import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { commandLine } from "./command-line.ts";
import { killTree } from "./process-tree.ts";

// Starts the built app exactly as `npm start` does (scripts/start.ts), on a free port, and
// waits until it answers. Output is kept so a failing test can show it.

export interface AppServer {
  baseUrl: string;
  port: number;
  /** The launcher's process: its tree holds the app server and any embedded PostgreSQL. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
  /** `kill -9` of the launcher and everything under it at once (the servers, an embedded PostgreSQL): a crash. */
  kill(): Promise<number[]>;
}

// Apps still running when the test process ends (a test that timed out while one was starting
// never got it back to stop) are stopped with it: an orphan would hold CPU and ports for the
// rest of the run. SIGTERM to `npm start`'s launcher stops the whole tree.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGTERM");
});

/** `npm start` of the checkout in `cwd` (this one by default; the ingest benchmark's --baseline gives another). */
export async function startAppServer(env: Record<string, string>, cwd = process.cwd()): Promise<AppServer> {
  const port = await freePort();
  let output = "";
  // As `npm start` runs it (package.json), without npm in front; a checkout from before
  // scripts/entry.mjs (the ingest benchmark's --baseline) as its own package.json did.
  const args = existsSync(path.join(cwd, "scripts", "entry.mjs")) ? commandLine("start") : ["--import", "tsx", "scripts/start.ts"];
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env, PORT: String(port), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(baseUrl, child, () => output);
  return { baseUrl, port, pid: child.pid!, output: () => output, stop: () => stopProcess(child), kill: () => killTree(child.pid!) };
}

async function waitUntilReady(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${output()}`);
    const response = await fetch(`${baseUrl}/sign-in`).catch(() => null);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill("SIGKILL");
  throw new Error(`the app did not start in time:\n${output()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
