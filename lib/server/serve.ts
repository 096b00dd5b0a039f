// `npm run dev`: one process, the receiver on node:http in front of Next.js in development mode
// (hot reload needs the upgrade handler). `npm start` runs the two in processes of their own:
// lib/server/serve-receiver.ts and serve-dashboard.ts.
import next from "next";
import { getConfig } from "../config.ts";
import { startForwarding, stopForwarding } from "../forwarding/start-forwarding.ts";
import { warmJsonPool } from "../json-analysis/json-pool.ts";
import { getBlobWriter } from "../storage/configured-store.ts";
import { createFrontServer, exitOnStartFailure, listen, stopOnSignals } from "./front-server.ts";

async function main(): Promise<void> {
  const { PORT } = getConfig();
  await getBlobWriter();
  const app = next({ dev: true, dir: process.cwd(), port: PORT });
  await app.prepare();
  await warmJsonPool();
  const server = createFrontServer(app.getRequestHandler(), { isDev: true });
  server.on("upgrade", app.getUpgradeHandler());
  stopOnSignals(server, async () => {
    await app.close().catch(() => {});
    await stopForwarding();
  });
  listen(server, "app server", PORT);
  await startForwarding();
}

main().catch(exitOnStartFailure("app server"));
