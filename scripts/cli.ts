// webhook-inbox command line: `npm run cli -- <command>`. Works against the same database and
// DATA_DIR as the app, whether the app is running or not (it starts the embedded database
// itself when nobody else has). Secrets and tokens are printed once, alone on the last line.
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { loadEnvFile, useDatabaseUrl } from "../lib/config.ts";
import { openDatabase } from "../lib/database/open-database.ts";
import { runCommand, UsageError, USAGE } from "./cli/commands.ts";
import { OPTION_FLAGS } from "./cli/source-commands.ts";

async function main(): Promise<number> {
  const [group, verb, ...rest] = process.argv.slice(2);
  if (!group || group === "help" || group === "--help") {
    console.log(USAGE);
    return 0;
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      email: { type: "string" },
      role: { type: "string" },
      kind: { type: "string" },
      slug: { type: "string" },
      name: { type: "string" },
      "secret-stdin": { type: "boolean" },
      generate: { type: "boolean" },
      "public-key-file": { type: "string" },
      to: { type: "string" },
      batch: { type: "string" },
      address: { type: "string" },
      url: { type: "string" },
      "url-stdin": { type: "boolean" },
      "smtp-url-stdin": { type: "boolean" },
      source: { type: "string" },
      id: { type: "string" },
      label: { type: "string" },
      ...Object.fromEntries(OPTION_FLAGS.map(({ flag }) => [flag, { type: "string" as const }])),
    },
  });
  loadEnvFile();
  const database = await openDatabase();
  useDatabaseUrl(database.url);
  try {
    await runCommand(`${group} ${verb ?? ""}`.trim(), values);
    return 0;
  } finally {
    const { closeDatabase } = await import("../lib/db.ts");
    const { closeBlobStore } = await import("../lib/storage/configured-store.ts");
    await closeBlobStore();
    await closeDatabase();
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ZodError) console.error(`error: ${error.issues.map((issue) => issue.message).join("; ")}`);
    else console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) console.error(USAGE);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
