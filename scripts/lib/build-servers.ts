import { rm } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

// The receiver and dashboard processes of `npm start` run bundles made here, next to Next's
// build, rather than TypeScript through tsx. tsx's loader hooks run on a thread of their own on
// Node 20, so each of the few hundred imports of a server's start was a round trip to it: a
// bundle starts with about 1.4 s less CPU per app (measured, issue 15 item 13), which every
// start, every restart by a supervisor and every test's app pays. Packages stay external and
// load from node_modules as before; paths the code derives from process.cwd() are unchanged.
// Stack traces name the bundle's lines and the functions' own names; the linked source maps
// map them back when Node runs with --enable-source-maps.

const DIST_DIR = path.join(process.cwd(), process.env.NEXT_DIST_DIR || ".next");
const BUNDLE_DIR = path.join(DIST_DIR, "servers");

/** The entry points, by the name scripts/start.ts knows them under: two processes and the JSON worker thread. */
export const SERVER_ENTRIES = {
  receiver: "lib/server/serve-receiver.ts",
  dashboard: "lib/server/serve-dashboard.ts",
  jsonWorker: "lib/json-analysis/json-worker-bundled.ts",
} as const;

export type ServerName = keyof typeof SERVER_ENTRIES;

/** The bundle of an entry point: `.next/servers/serve-receiver.mjs` and so on. */
export function serverBundle(name: ServerName): string {
  return path.join(BUNDLE_DIR, `${bundleName(name)}.mjs`);
}

const bundleName = (name: ServerName) => path.basename(SERVER_ENTRIES[name], ".ts");

export async function buildServerBundles(): Promise<void> {
  await rm(BUNDLE_DIR, { recursive: true, force: true }); // no chunks of an earlier build
  await build({
    entryPoints: Object.keys(SERVER_ENTRIES).map((name) => ({ in: SERVER_ENTRIES[name as ServerName], out: bundleName(name as ServerName) })),
    outdir: BUNDLE_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    // Shared code in chunks, and a dynamic import() stays lazy: without splitting, esbuild hoists
    // the packages a lazily imported module needs (the AWS SDK of the S3 store) to the top.
    splitting: true,
    sourcemap: "linked",
    logLevel: "warning",
  });
}
