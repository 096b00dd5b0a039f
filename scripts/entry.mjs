// How package.json runs the commands: `node scripts/entry.mjs start|cli|send [args]`. When the
// build is fresh, the command runs from its bundle (scripts/lib/build-servers.ts makes them),
// with no TypeScript loader: that saves about a second of CPU on every start, every CLI call
// and every send. Otherwise it runs from the TypeScript sources through tsx, as before; for
// `start`, that path builds first, so the next start is the fast one. Plain JavaScript because
// it has to run before anything is compiled.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { builtStamp, DIST_DIR, sourceStamp } from "./lib/source-stamp.mjs";

const COMMANDS = new Set(["start", "cli", "send"]);
const command = process.argv[2];
if (!COMMANDS.has(command)) {
  console.error(`usage: node scripts/entry.mjs ${[...COMMANDS].join("|")} [arguments]`);
  process.exit(2);
}
process.argv.splice(2, 1); // the command sees its own arguments only, as when run directly

const bundle = path.join(DIST_DIR, "servers", `${command}.mjs`);
const [stamp, built] = await Promise.all([sourceStamp(), builtStamp()]);
if (stamp === built && existsSync(bundle)) {
  await import(pathToFileURL(bundle).href);
} else {
  const { tsImport } = await import("tsx/esm/api");
  await tsImport(`./${command}.ts`, import.meta.url);
}
