import path from "node:path";
import Piscina from "piscina";
import { getConfig } from "../config.ts";
import type { JsonTask, JsonTaskResult } from "./json-tasks.ts";

// One worker thread per app process for JSON work (json-tasks.ts), with a time budget and a
// heap limit per task: a body that takes longer, or needs more memory, is given up on (the
// worker is ended and replaced) instead of holding every other request, as parsing a 16 MiB
// body on the event loop did for 20 s. One thread: the machine this runs on has two cores,
// and a task waiting in the queue spends its own budget, so a flood of large bodies cannot
// queue without bound. Kept on globalThis: Next may load this module in more than one chunk.

const WORKER_THREADS = 1;
/** V8 heap of the worker; the parsed tree of a body costs many times the body. */
const WORKER_HEAP_MB = 512;
// The bundled worker that `npm start` names (scripts/start.ts), or else the one that loads the
// TypeScript through tsx. Resolved from the working directory (the app runs from the project
// root), not from import.meta.url, which Next's bundle of the inspector page rewrites.
const WORKER_FILE = process.env.WEBHOOK_INBOX_JSON_WORKER || path.join(/* turbopackIgnore: true */ process.cwd(), "lib", "json-analysis", "json-worker.mjs");

/** The body could not be analysed within the budget (time or memory). */
export class JsonAnalysisLimitError extends Error {
  constructor(
    readonly limit: "time" | "memory",
    budgetMs: number,
  ) {
    super(limit === "time" ? `the JSON body could not be analysed within ${budgetMs} ms` : `the JSON body needs more than ${WORKER_HEAP_MB} MB to analyse`);
    this.name = "JsonAnalysisLimitError";
  }
}

const globalForPool = globalThis as typeof globalThis & { webhookInboxJsonPool?: Piscina };

function getPool(): Piscina {
  globalForPool.webhookInboxJsonPool ??= new Piscina({
    filename: WORKER_FILE,
    minThreads: WORKER_THREADS,
    maxThreads: WORKER_THREADS,
    // Kept alive: starting a worker (loading the TypeScript tasks) takes longer than most budgets.
    idleTimeout: Infinity,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  return globalForPool.webhookInboxJsonPool;
}

/** Runs one task off the event loop; throws JsonAnalysisLimitError past the budget. */
export async function analyseJson<T extends JsonTask>(task: T, budgetMs = getConfig().JSON_ANALYSIS_TIMEOUT_MS): Promise<JsonTaskResult<T>> {
  try {
    return await getPool().run(task, { signal: AbortSignal.timeout(budgetMs) });
  } catch (error) {
    const { name, code } = error as { name?: string; code?: string };
    if (name === "AbortError" || name === "TimeoutError") throw new JsonAnalysisLimitError("time", budgetMs);
    if (code === "ERR_WORKER_OUT_OF_MEMORY") throw new JsonAnalysisLimitError("memory", budgetMs);
    throw error;
  }
}

/** Starts the worker and loads its tasks, so that the first delivery's budget is not spent on it. */
export async function warmJsonPool(): Promise<void> {
  await getPool().run({ kind: "preview-json", rawBody: new Uint8Array() } satisfies JsonTask);
}

/** Ends the worker, for a clean process exit (tests, the CLI). */
export async function closeJsonPool(): Promise<void> {
  const pool = globalForPool.webhookInboxJsonPool;
  globalForPool.webhookInboxJsonPool = undefined;
  await pool?.destroy();
}
