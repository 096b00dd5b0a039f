// The app server that `npm start` launches (scripts/start.ts): one node:http server in front of
// Next.js. Webhook deliveries go straight to the receiver; every other request goes to Next.
// Why not a Next route handler: Next turns each request into a web Request and its body into a
// web stream, and that costs more CPU per delivery than verifying and storing it (measured in
// bench/ingest.ts: the `next-floor` peer). Pages, operator APIs and server actions stay in Next.
import http from "node:http";
import next from "next";
import { getConfig } from "../config.ts";
import { closeDatabase } from "../db.ts";
import { closeSourceCache } from "../ingest/source-cache.ts";
import { startForwarding, stopForwarding } from "../forwarding/start-forwarding.ts";
import { warmJsonPool } from "../json-analysis/json-pool.ts";
import { applySecurityHeaders } from "../http/security-headers.ts";
import { closeBlobStore, getBlobWriter } from "../storage/configured-store.ts";
import { handleWebhookRequest, webhookSlug } from "./webhook-request.ts";

const isDev = process.argv.includes("--dev");
const SHUTDOWN_GRACE_MS = 8_000;

async function main(): Promise<void> {
  const { PORT } = getConfig();
  await getBlobWriter(); // a store that is not usable, or not the database's, stops the start here
  const app = next({ dev: isDev, dir: process.cwd(), port: PORT });
  await app.prepare();
  await warmJsonPool(); // Eden AI bodies are parsed and verified in a worker thread (lib/json-analysis)
  const handleNext = app.getRequestHandler();

  const server = http.createServer((request, response) => {
    applySecurityHeaders(request, response, { isDev });
    const slug = webhookSlug(request.url ?? "/");
    if (slug === null) return void handleNext(request, response);
    void handleWebhookRequest(slug, request, response);
  });
  if (isDev) server.on("upgrade", app.getUpgradeHandler()); // hot reload
  server.once("error", (error: NodeJS.ErrnoException) => {
    const reason = error.code === "EADDRINUSE" ? `port ${PORT} is already in use: stop what holds it, or set PORT` : error.message;
    console.error(`[webhook-inbox] the app server could not listen: ${reason}`);
    process.exit(1);
  });
  server.listen(PORT, () => {
    console.log(`[webhook-inbox] app server ready on port ${PORT}`);
    process.send?.({ type: "listening" }); // npm start prints "serving on" only now
  });
  // Forwarding workers (lib/forwarding): every instance takes jobs from the shared queue.
  await startForwarding();

  // Stop taking requests, let the ones in flight commit and answer, then close the pool.
  let isStopping = false;
  const stop = () => {
    if (isStopping) return;
    isStopping = true;
    const forced = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    server.close(async () => {
      clearTimeout(forced);
      await app.close().catch(() => {});
      await stopForwarding();
      await closeBlobStore();
      await closeSourceCache();
      await closeDatabase();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // npm start gone (even by SIGKILL): nobody would stop this server or restart it.
  process.on("disconnect", stop);
}

main().catch((error: unknown) => {
  console.error(`[webhook-inbox] the app server could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
