import { rm } from "node:fs/promises";
import { build } from "esbuild";
import { BUNDLE_DIR, bundleName, COMMAND_ENTRIES, SERVER_ENTRIES, type ServerName } from "./server-bundles.ts";

// The receiver and dashboard processes of `npm start` run bundles made here, next to Next's
// build, rather than TypeScript through tsx, and so do the commands themselves (`npm start`'s
// launcher, `npm run cli`, `npm run send`: scripts/entry.mjs). tsx's loader hooks run on a thread of their own on
// Node 20, so each of the few hundred imports of a server's start was a round trip to it: a
// bundle starts with about 1.4 s less CPU per app (measured, issue 15 item 13), which every
// start, every restart by a supervisor and every test's app pays. Packages stay external and
// load from node_modules as before; paths the code derives from process.cwd() are unchanged.
// Stack traces name the bundle's lines and the functions' own names; the linked source maps
// map them back when Node runs with --enable-source-maps.

export async function buildServerBundles(): Promise<void> {
  await rm(BUNDLE_DIR, { recursive: true, force: true }); // no chunks of an earlier build
  await build({
    entryPoints: [
      ...Object.keys(SERVER_ENTRIES).map((name) => ({ in: SERVER_ENTRIES[name as ServerName], out: bundleName(name as ServerName) })),
      ...Object.entries(COMMAND_ENTRIES).map(([name, entry]) => ({ in: entry, out: name })),
    ],
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
