import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { builtStamp, sourceStamp, STAMP_FILE } from "./source-stamp.mjs";

// `npm start` builds (Next's build, then the bundles of build-servers.ts) when the build is
// missing or older than the sources (source-stamp.mjs), so that a fresh clone or a `git pull`
// never serves a stale app.

const ROOT = process.cwd();

export async function ensureBuilt(log: (message: string) => void = console.log): Promise<void> {
  const stamp = await sourceStamp();
  const built = await builtStamp();
  if (built === stamp) return;
  log(built === null ? "No build found: building the app (about a minute)…" : "Sources changed since the last build: rebuilding…");
  await run(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"]);
  // After Next's build, which empties its folder first. Imported here: only a build needs esbuild.
  const { buildServerBundles } = await import("./build-servers.ts");
  await buildServerBundles();
  await writeFile(STAMP_FILE, stamp);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}
