// The dashboard process of `npm start` (scripts/start.ts): Next.js (pages, operator APIs,
// server actions, the live event stream) on a loopback port that only the receiving process
// (lib/server/serve-receiver.ts) talks to, and the work that need not share the receiver's
// event loop: forwarding workers, and background jobs (instrumentation.ts).
import http from "node:http";
import next from "next";
import { startForwarding, stopForwarding } from "../forwarding/start-forwarding.ts";
import { getConfig } from "../config.ts";
import { warmJsonPool } from "../json-analysis/json-pool.ts";
import { exitOnStartFailure, KEEP_ALIVE_TIMEOUT_MS, listen, stopOnSignals } from "./front-server.ts";

async function main(): Promise<void> {
  // The public port, as in a single process: Next checks server actions' Origin against it.
  const app = next({ dev: false, dir: process.cwd(), port: getConfig().PORT });
  await app.prepare();
  await warmJsonPool(); // the inspector's diagnosis of JSON bodies runs in it
  // The receiver's proxy keeps connections to here open: they must not be closed under it.
  const server = http.createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, app.getRequestHandler());
  stopOnSignals(server, async () => {
    await app.close().catch(() => {});
    await stopForwarding();
  });
  listen(server, "dashboard", 0, "127.0.0.1");
  // Forwarding workers (lib/forwarding): every instance takes jobs from the shared queue.
  await startForwarding();
}

main().catch(exitOnStartFailure("dashboard"));
