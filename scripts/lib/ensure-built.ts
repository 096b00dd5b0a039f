import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";

// `npm start` builds (Next's build, then the server bundles of build-servers.ts) when the
// build is missing or older than the sources, so that a fresh clone or a `git pull` never
// serves a stale app. The stamp is a hash of every source file's path, size and modification
// time: cheap to compute, and it changes whenever a file does.

const ROOT = process.cwd();
const STAMP_FILE = path.join(ROOT, process.env.NEXT_DIST_DIR || ".next", "webhook-inbox-source.stamp");
const SOURCE_DIRS = ["app", "components", "lib"];
const SOURCE_FILES = [
  "instrumentation.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
  "prisma/schema.prisma",
  "scripts/lib/build-servers.ts",
  "scripts/lib/server-bundles.ts",
];

export async function ensureBuilt(log: (message: string) => void = console.log): Promise<void> {
  const stamp = await sourceStamp();
  const built = await readFile(STAMP_FILE, "utf8").catch(() => null);
  if (built === stamp) return;
  log(built === null ? "No build found: building the app (about a minute)…" : "Sources changed since the last build: rebuilding…");
  await run(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"]);
  // After Next's build, which empties its folder first. Imported here: only a build needs esbuild.
  const { buildServerBundles } = await import("./build-servers.ts");
  await buildServerBundles();
  await writeFile(STAMP_FILE, stamp);
}

async function sourceStamp(): Promise<string> {
  const hash = createHash("sha256");
  const files = [...SOURCE_FILES];
  for (const dir of SOURCE_DIRS) files.push(...(await listFiles(dir)));
  for (const file of files.sort()) {
    const info = await stat(path.join(ROOT, file)).catch(() => null);
    hash.update(`${file}\0${info?.size ?? -1}\0${info?.mtimeMs ?? -1}\n`);
  }
  return hash.digest("hex");
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith(".test.ts"))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}
