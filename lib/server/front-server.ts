import http from "node:http";
import { closeDatabase } from "../db.ts";
import { applySecurityHeaders } from "../http/security-headers.ts";
import { closeJsonPool } from "../json-analysis/json-pool.ts";
import { closeBlobStore } from "../storage/configured-store.ts";
import { handleWebhookRequest, webhookSlug } from "./webhook-request.ts";

// What every server process of webhook-inbox shares: the server on PORT that routes webhook
// deliveries to the receiver and every other request to `handleDashboard` (Next.js, in this
// process under `npm run dev`, else in a process of its own behind lib/server/dashboard-proxy.ts),
// listening with one clear line on failure, and stopping cleanly.

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

const SHUTDOWN_GRACE_MS = 8_000;

/**
 * How long an idle keep-alive connection stays open. Node's 5 s is shorter than the idle timeout
 * of the proxies and load balancers that commonly stand in front (60 s for AWS's, nginx's
 * upstream keepalive_timeout alike): the server would close connections they still count as
 * open, and the next request sent down one fails (a 502 there; EPIPE for a client whose event
 * loop was busy when the close came). Longer than theirs, the client side always closes first.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function createFrontServer(handleDashboard: Handler, options: { isDev?: boolean } = {}): http.Server {
  return http.createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, (request, response) => {
    // Before anything writes: pages, APIs, images and the receiver's answers alike.
    applySecurityHeaders(request, response, options);
    const slug = webhookSlug(request.url ?? "/");
    if (slug === null) return handleDashboard(request, response);
    void handleWebhookRequest(slug, request, response);
  });
}

/** Listens, then tells `npm start` over IPC (it prints "serving on" only then); a port in use is one line and exit 1. */
export function listen(server: http.Server, which: string, port: number, host?: string): void {
  server.once("error", (error: NodeJS.ErrnoException) => {
    const reason = error.code === "EADDRINUSE" ? `port ${port} is already in use: stop what holds it, or set PORT` : error.message;
    console.error(`[webhook-inbox] the ${which} could not listen: ${reason}`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    process.send?.({ type: "listening", port: typeof address === "object" && address ? address.port : port });
  });
}

/**
 * On SIGTERM or SIGINT, or when `npm start` is gone (even by SIGKILL: nobody would stop this
 * process or restart it): stop taking requests, let the ones in flight commit and answer, then
 * close what `closeOthers` names and the shared resources.
 */
export function stopOnSignals(server: http.Server, closeOthers: () => Promise<void> = async () => {}): void {
  let isStopping = false;
  const stop = () => {
    if (isStopping) return;
    isStopping = true;
    const forced = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    server.close(async () => {
      clearTimeout(forced);
      await closeOthers().catch(() => {});
      await closeJsonPool().catch(() => {});
      await closeBlobStore();
      await closeDatabase();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.on("disconnect", stop);
}

export function exitOnStartFailure(which: string) {
  return (error: unknown) => {
    console.error(`[webhook-inbox] the ${which} could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  };
}
