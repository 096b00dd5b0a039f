import { execFileSync } from "node:child_process";
import pg from "pg";
import { commandLine } from "./command-line.ts";

// `npm run cli` as an operator runs it, against an installation of its own under `dataDir()`
// (the embedded PostgreSQL the CLI starts and stops itself), and a look inside that database
// afterwards for what the commands stored.

export function cliRunner(dataDir: () => string, extraEnv: Record<string, string> = {}) {
  function cli(args: string[], input = ""): { stdout: string; lastLine: string } {
    const stdout = execFileSync(process.execPath, commandLine("cli", args), {
      input,
      env: { ...process.env, DATA_DIR: dataDir(), DATABASE_URL: "", ENCRYPTION_KEY: "", ...extraEnv },
      encoding: "utf8",
    });
    return { stdout, lastLine: stdout.trimEnd().split("\n").at(-1)! };
  }

  function cliFailure(args: string[]): string {
    try {
      cli(args);
    } catch (error) {
      return String((error as { stderr?: string }).stderr);
    }
    throw new Error("expected the command to fail");
  }

  async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    // The CLI stopped the cluster when it finished; start it again to look inside.
    const { startEmbeddedPostgres } = await import("@/lib/database/embedded-postgres.ts");
    const server = await startEmbeddedPostgres(dataDir());
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
      await server.stop();
    }
  }

  return { cli, cliFailure, query };
}
