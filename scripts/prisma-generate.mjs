// Runs `prisma generate` offline. Every Prisma 7 CLI command first downloads a native schema
// engine from a host these machines cannot reach; `generate` never uses that engine, so any
// existing executable satisfies the check (see shared/MACHINE.md).
import { spawnSync } from "node:child_process";

const result = spawnSync("npx", ["prisma", "generate"], {
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});
process.exit(result.status ?? 1);
