import path from "node:path";
import { DIST_DIR } from "./source-stamp.mjs";

// Where the bundles are (scripts/lib/build-servers.ts makes them and says why): a module of its
// own, so that the launcher, which only runs them, does not load esbuild.

export const BUNDLE_DIR = path.join(DIST_DIR, "servers");

/** The entry points, by the name scripts/start.ts knows them under: two processes, the JSON worker thread and the receiver's forwarding hand-off thread. */
export const SERVER_ENTRIES = {
  receiver: "lib/server/serve-receiver.ts",
  dashboard: "lib/server/serve-dashboard.ts",
  jsonWorker: "lib/json-analysis/json-worker-bundled.ts",
  handOffWorker: "lib/forwarding/hand-off-worker-bundled.ts",
} as const;

/** The commands of package.json, which scripts/entry.mjs runs from `.next/servers/<name>.mjs`. */
export const COMMAND_ENTRIES = { start: "scripts/start.ts", cli: "scripts/cli.ts", send: "scripts/send.ts" } as const;

export type ServerName = keyof typeof SERVER_ENTRIES;

/** The bundle of an entry point: `.next/servers/serve-receiver.mjs` and so on. */
export function serverBundle(name: ServerName): string {
  return path.join(BUNDLE_DIR, `${bundleName(name)}.mjs`);
}

/** The bundle's file name without its extension, as esbuild is told to write it. */
export const bundleName = (name: ServerName) => path.basename(SERVER_ENTRIES[name], ".ts");
