// The receiving process of `npm start` (scripts/start.ts), on PORT: webhook deliveries are
// received here, on node:http; every other request is proxied to the dashboard process
// (Next.js, lib/server/serve-dashboard.ts) on a loopback port: DASHBOARD_PORT if set, else the
// one `npm start` sends over IPC once the dashboard listens (the two start side by side).
// Why a process of its own, without Next loaded: Next switches on async hooks that every
// promise of the receiver then pays for, and its heap would count against the receiver's
// memory during large uploads (README: Benchmarks). Why not a Next route handler at all: Next
// turns each request into a web Request and its body into a web stream, which costs more CPU
// per delivery than verifying and storing it (bench/ingest.ts: the `next-floor` peer).
import { getConfig } from "../config.ts";
import { configurePool } from "../database/pool.ts";
import { warmJsonPool } from "../json-analysis/json-pool.ts";
import { handOffSeconds } from "../forwarding/hand-off-policy.ts";
import { warmHandOffThread } from "../forwarding/hand-off-thread.ts";
import { getBlobWriter } from "../storage/configured-store.ts";
import { createDashboardProxy } from "./dashboard-proxy.ts";
import { createFrontServer, exitOnStartFailure, listen, stopOnSignals } from "./front-server.ts";

async function main(): Promise<void> {
  configurePool({ genericPlans: true });
  const { PORT } = getConfig();
  const dashboardPort = process.env.DASHBOARD_PORT ? Promise.resolve(parsePort(process.env.DASHBOARD_PORT)) : portFromLauncher();
  await getBlobWriter(); // a store that is not usable, or not the database's, stops the start here
  await warmJsonPool(); // Eden AI bodies are parsed and verified in a worker thread (lib/json-analysis)
  // Verified deliveries' forwards are sent from a thread of this process (lib/forwarding/hand-off.ts).
  if (handOffSeconds(getConfig()) !== null) await warmHandOffThread();
  const server = createFrontServer(createDashboardProxy({ host: "127.0.0.1", port: dashboardPort }));
  stopOnSignals(server);
  listen(server, "receiver", PORT);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`DASHBOARD_PORT is not a port number: "${value}"`);
  return port;
}

function portFromLauncher(): Promise<number> {
  if (!process.send) throw new Error("DASHBOARD_PORT is not set, and no `npm start` is there to send it");
  return new Promise((resolve) => {
    const onMessage = (message: { type?: string; port?: number }) => {
      if (message?.type !== "dashboard-port" || !message.port) return;
      process.off("message", onMessage);
      resolve(message.port);
    };
    process.on("message", onMessage);
  });
}

main().catch(exitOnStartFailure("receiver"));
