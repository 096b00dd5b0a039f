// The build's freshness, in plain JavaScript: scripts/entry.mjs checks it before anything is
// compiled, so that a fresh build starts without loading tsx at all (tsx's loader thread costs
// each start about a second of CPU), and ensure-built.ts writes it after a build. The stamp is
// a hash of every source file's path, size and modification time: cheap to compute, and it
// changes whenever a file does.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

const ROOT = process.cwd();
/** Next's build folder; the server and command bundles go in its `servers/`. */
export const DIST_DIR = path.join(ROOT, process.env.NEXT_DIST_DIR || ".next");
export const STAMP_FILE = path.join(DIST_DIR, "webhook-inbox-source.stamp");
// The commands' own sources (scripts/) count too: the bundles of `npm start`, `npm run cli`
// and `npm run send` are built from them.
const SOURCE_DIRS = ["app", "components", "lib", "scripts"];
const SOURCE_FILES = ["instrumentation.ts", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "package-lock.json", "prisma/schema.prisma"];

/** The stamp of the sources as they are now. */
export async function sourceStamp() {
  const hash = createHash("sha256");
  const files = [...SOURCE_FILES];
  for (const dir of SOURCE_DIRS) files.push(...(await listFiles(dir)));
  for (const file of files.sort()) {
    const info = await stat(path.join(ROOT, file)).catch(() => null);
    hash.update(`${file}\0${info?.size ?? -1}\0${info?.mtimeMs ?? -1}\n`);
  }
  return hash.digest("hex");
}

/** The stamp the last complete build wrote, or null. */
export const builtStamp = () => readFile(STAMP_FILE, "utf8").catch(() => null);

async function listFiles(dir) {
  const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith(".test.ts"))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}
