// A command of package.json as it runs it, without npm in front: `npm run cli -- user list` is
// `node scripts/entry.mjs cli user list` (scripts/entry.mjs: from the bundles when the build
// is fresh, which the run's global setup made sure of).

export type PackageCommand = "start" | "cli" | "send";

/** The arguments of `process.execPath` for `npm run <command> -- <args>`. */
export const commandLine = (command: PackageCommand, args: string[] = []) => ["scripts/entry.mjs", command, ...args];
