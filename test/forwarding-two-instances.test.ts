import { execFileSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/lib/db.ts";
import { createDestination } from "@/lib/forwarding/create-destination.ts";
import { signMaskitDelivery } from "@/lib/senders/sign-maskit.ts";
import { startAppServer, type AppServer } from "./helpers/app-server.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { descendants, killTree } from "./helpers/process-tree.ts";

// Two app instances on one database, both running forwarding workers. The destination holds
// the first request open; the instance whose worker sent it (found by the request's source
// port, through `ss`) is killed with SIGKILL mid-attempt, and the other one sends the delivery
// again and records it delivered. graphile-worker 0.16 would leave the dead instance's lock
// for four hours; lib/forwarding/release-stale-locks.ts frees it once it is older than
// FORWARD_LOCK_TIMEOUT_SECONDS (shortened here; never shorter than an attempt may take, so a
// live attempt is not sent twice).

const SECRET = "whsec_two-instances-forwarding-0001";
const ENV = {
  ALLOW_PRIVATE_DESTINATIONS: "1",
  FORWARD_POLL_INTERVAL_MS: "100",
  FORWARD_TIMEOUT_MS: "4000",
  FORWARD_LOCK_TIMEOUT_SECONDS: "6", // the 4 s attempt timeout and a 2 s margin
  FORWARD_RETRY_SCHEDULE: "0,0.5,0.5",
};
let env: TestEnvironment;
let second: AppServer;
let holding: Awaited<ReturnType<typeof startHoldingServer>>;

beforeAll(async () => {
  holding = await startHoldingServer();
  env = await startTestEnvironment(ENV);
  second = await startAppServer({
    ...ENV,
    DATABASE_URL: env.db.url,
    DATA_DIR: path.join(env.dataDir, "second"),
    BLOB_DIR: path.join(env.dataDir, "blobs"),
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
  });
}, 240_000);

afterAll(async () => {
  await second?.stop();
  await env?.close();
  await holding?.close();
});

describe("forwarding with two instances", () => {
  it("finishes in the other instance a job whose instance was killed mid-attempt", { timeout: 90_000 }, async () => {
    await env.createMaskitSource("pair", [SECRET]);
    const { destination } = await createDestination({ source: "pair", url: holding.url, actor: { kind: "system", name: "test" } });
    const delivery = signMaskitDelivery({ image: await makeJpeg(64, 64), mimeType: "image/jpeg", fileName: "a.jpg", metadata: "held", secret: SECRET });
    const answer = await env.post("pair", delivery.body, delivery.headers);
    expect(answer.status).toBe(200);
    const { id } = (await answer.json()) as { id: string };

    const held = await holding.waitForRequest(0);
    const senderPid = held.senderPid;
    const instances = [env.app, second];
    const sender = instances.find((instance) => descendants(instance.pid).includes(senderPid));
    expect(sender, `pid ${senderPid} belongs to neither instance`).toBeDefined();
    const survivor = instances.find((instance) => instance !== sender)!;
    await killTree(sender!.pid);
    sender!.stop = async () => {}; // nothing left to stop
    const killedAt = Date.now();

    const retried = await holding.waitForRequest(1, 30_000);
    expect(retried.webhookId).toBe(id);
    expect(descendants(survivor.pid)).toContain(retried.senderPid);
    const deadline = Date.now() + 10_000;
    let state = "";
    while (state !== "delivered" && Date.now() < deadline) {
      state = (await getPool().query("SELECT state FROM forwards WHERE delivery_id = $1 AND destination_id = $2", [id, destination.id])).rows[0].state;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toBe("delivered");
    const recoverySeconds = (retried.at - killedAt) / 1000;
    console.log(
      `two instances: ${sender === env.app ? "the first" : "the second"} instance held the attempt; the survivor sent the killed instance's job ${recoverySeconds.toFixed(1)} s after the kill (lock timeout ${ENV.FORWARD_LOCK_TIMEOUT_SECONDS} s)`,
    );
    // The lock was taken before the kill: freed at most lock timeout + one check interval later.
    expect(recoverySeconds).toBeLessThan(Number(ENV.FORWARD_LOCK_TIMEOUT_SECONDS) + 5);
    // The killed attempt never got its row; the survivor's did.
    const attempts = await getPool().query("SELECT attempt, outcome FROM forwarding_attempts WHERE delivery_id = $1", [id]);
    expect(attempts.rows).toEqual([{ attempt: 1, outcome: "delivered" }]);
  });
});

/**
 * A destination that holds the first request open (never answers it) and answers the rest 200.
 * Each request's sending process is looked up as it arrives, while its connection is open.
 */
async function startHoldingServer() {
  const requests: Array<{ senderPid: number; webhookId: string; at: number }> = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    const at = Date.now();
    const index = requests.push({ senderPid: processOfLocalPort(request.socket.remotePort!), webhookId: String(request.headers["webhook-id"]), at }) - 1;
    request.resume();
    if (index > 0) request.on("end", () => response.end("ok"));
  });
  server.on("connection", (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/held`,
    async waitForRequest(index: number, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length <= index) {
        if (Date.now() > deadline) throw new Error(`expected request ${index + 1} at the destination, got ${requests.length}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return requests[index];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The pid of the process whose TCP socket has this local port (ss, run as root, names it). */
function processOfLocalPort(port: number): number {
  const lines = execFileSync("ss", ["-Htnp", "state", "established", `( sport = :${port} )`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(lines)?.[1];
  if (!pid) throw new Error(`no process holds local port ${port}: ${lines}`);
  return Number(pid);
}
