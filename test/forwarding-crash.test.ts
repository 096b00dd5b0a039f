import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/lib/db.ts";
import { createDestination } from "@/lib/forwarding/create-destination.ts";
import { startAppServer, type AppServer } from "./helpers/app-server.ts";
import { startDestinationServer, type DestinationServer } from "./helpers/destination-server.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";
import { killTree } from "./helpers/process-tree.ts";

// At least once across a crash: the app is killed with SIGKILL while forwards wait and while
// attempts are in flight (the destination holds them unanswered); after a new `npm start` every
// verified delivery reaches the destination. Jobs locked by the dead instance are freed after
// FORWARD_LOCK_TIMEOUT_SECONDS (shortened here, and FORWARD_TIMEOUT_MS with it: the bound is
// never shorter than an attempt may take) by the instance that is left.

const SECRET = "whsec_crash-source-secret-0000001";
const ENV = {
  ALLOW_PRIVATE_DESTINATIONS: "1",
  FORWARD_RETRY_SCHEDULE: "0,0.5,0.5,0.5,0.5,0.5,0.5,0.5",
  FORWARD_POLL_INTERVAL_MS: "100",
  FORWARD_TIMEOUT_MS: "2000",
  FORWARD_LOCK_TIMEOUT_SECONDS: "3",
};
let env: TestEnvironment;
let restarted: AppServer | undefined;
let destination: DestinationServer;

beforeAll(async () => {
  env = await startTestEnvironment(ENV);
}, 240_000);

afterAll(async () => {
  await restarted?.stop();
  await destination?.close();
  await env?.close();
});

describe("forwarding across a crash", () => {
  it("delivers every verified delivery after kill -9 and a restart", { timeout: 200_000 }, async () => {
    // First a destination that never answers: its attempts are in flight when the app dies.
    const hold = await startHoldingServer();
    await env.createMaskitSource("crash", [SECRET]);
    const { destination: row } = await createDestination({ source: "crash", url: hold.url, actor: { kind: "system", name: "test" } });
    const ids: string[] = [];
    const image = await makeJpeg(64, 64);
    for (let index = 0; index < 12; index++) {
      const delivery = maskitBody(image, `crash ${index}`);
      const signature = createHmac("sha256", SECRET).update(delivery.body).digest("hex");
      const answer = await env.post("crash", delivery.body, { "content-type": delivery.contentType, "x-signature": signature });
      expect(answer.status).toBe(200);
      ids.push((await answer.json()).id);
    }
    await hold.waitForHeld(8); // the per-destination limit: 8 in flight, the rest waiting
    await killTree(env.app.pid);
    env.app.stop = async () => {}; // nothing left to stop

    // Then the receiving system is back, at a new address.
    destination = await startDestinationServer(() => ({ status: 200 }));
    await getPool().query("UPDATE destinations SET url = $2 WHERE id = $1", [row.id, destination.url]);
    await hold.close();
    restarted = await startAppServer({ DATABASE_URL: env.db.url, DATA_DIR: env.dataDir, ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!, ...ENV });
    // Generous: on a loaded machine the restart alone can take half a minute.
    const deadline = Date.now() + 120_000;
    while (new Set(destination.receipts.map((receipt) => receipt.headers["webhook-id"])).size < ids.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(new Set(destination.receipts.map((receipt) => receipt.headers["webhook-id"]))).toEqual(new Set(ids));
    // A receipt comes a moment before its attempt is recorded: wait for the last ones to be.
    const states = () =>
      getPool()
        .query("SELECT state, count(*)::int AS n FROM forwards WHERE destination_id = $1 GROUP BY state", [row.id])
        .then(({ rows }) => rows);
    let rows = await states();
    while (rows.length !== 1 && Date.now() < deadline) rows = await new Promise((resolve) => setTimeout(resolve, 100)).then(states);
    expect(rows).toEqual([{ state: "delivered", n: ids.length }]);
  });
});

/** A destination that accepts connections and never answers, until closed. */
async function startHoldingServer() {
  const server = await import("node:http").then(({ default: http }) => http.createServer((request) => void request.resume()));
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => sockets.add(socket));
  let count = 0;
  server.on("request", () => count++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as import("node:net").AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/held`,
    async waitForHeld(n: number) {
      const deadline = Date.now() + 20_000;
      while (count < n) {
        if (Date.now() > deadline) throw new Error(`only ${count} requests held`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
