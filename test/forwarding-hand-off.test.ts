import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/lib/db.ts";
import { createDestination } from "@/lib/forwarding/create-destination.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";

// The receiver's hand-off (lib/forwarding/hand-off.ts): a verified delivery's forward is sent by
// the receiving process itself once its batch commits, recorded delivered, and its held-back job
// deleted; one whose bytes the receiver no longer holds in memory (an image spooled to disk,
// over 1 MiB) is handed back, and a dashboard worker sends it at once rather than when its job
// would have come due. Which process sent a request is found from its source port (`ss`).
// The crash fallback (a receiver killed mid-attempt; its job sends the delivery on another
// instance) is test/forwarding-two-instances.test.ts.

const SECRET = "whsec_hand-off-source-secret-00001";
const ENV = {
  ALLOW_PRIVATE_DESTINATIONS: "1",
  FORWARD_POLL_INTERVAL_MS: "100",
  // Held-back jobs come due after the attempt timeout and 3 s (lib/forwarding/hand-off-policy.ts):
  // 23 s, long after a handed-back forward is sent.
  FORWARD_TIMEOUT_MS: "20000",
};
let env: TestEnvironment;
let destination: Awaited<ReturnType<typeof startRecordingServer>>;
let destinationId: string;

beforeAll(async () => {
  destination = await startRecordingServer();
  env = await startTestEnvironment(ENV);
  await env.createMaskitSource("handoff", [SECRET]);
  ({
    destination: { id: destinationId },
  } = await createDestination({ source: "handoff", url: destination.url, actor: { kind: "system", name: "test" } }));
}, 240_000);

afterAll(async () => {
  await env?.close();
  await destination?.close();
});

async function post(image: Buffer, metadata: string): Promise<string> {
  const delivery = maskitBody(image, metadata);
  const signature = createHmac("sha256", SECRET).update(delivery.body).digest("hex");
  const answer = await env.post("handoff", delivery.body, { "content-type": delivery.contentType, "x-signature": signature });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { id: string }).id;
}

async function deliveredForward(deliveryId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await getPool().query("SELECT state, attempts FROM forwards WHERE delivery_id = $1 AND destination_id = $2", [deliveryId, destinationId]);
    if (rows[0]?.state === "delivered") return rows[0];
    if (Date.now() > deadline) throw new Error(`forward of ${deliveryId} is ${JSON.stringify(rows[0])}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The forward's jobs left once the one that sent it is done (a worker completes its job just after recording the attempt). */
async function jobsLeft(deliveryId: string): Promise<number> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { rows } = await getPool().query("SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = $1", [`forward:${deliveryId}:${destinationId}`]);
    if (rows[0].n === 0 || Date.now() > deadline) return rows[0].n;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the receiver's hand-off", () => {
  it("sends a committed delivery's forward from the receiving process, records it delivered and deletes its job", { timeout: 60_000 }, async () => {
    const image = await makeJpeg(64, 64);
    const id = await post(image, "handed off");
    const receipt = await destination.waitFor(id, 10_000);
    expect(receipt.sender).toMatch(/serve-receiver/);
    expect(receipt.body.includes(image)).toBe(true);
    expect(await deliveredForward(id, 10_000)).toEqual({ state: "delivered", attempts: 1 });
    const attempts = await getPool().query("SELECT attempt, outcome, http_status FROM forwarding_attempts WHERE delivery_id = $1", [id]);
    expect(attempts.rows).toEqual([{ attempt: 1, outcome: "delivered", http_status: 200 }]);
    expect(await jobsLeft(id)).toBe(0);
  });

  it("hands a forward whose image is spooled to disk back to the queue, whose worker sends it at once", { timeout: 60_000 }, async () => {
    // Over the spool's 1 MiB kept in memory: a small JPEG and varied bytes after its end.
    const image = Buffer.concat([await makeJpeg(64, 64), randomBytes(1536 * 1024)]);
    const id = await post(image, "handed back");
    // Long before the held-back job would come due (23 s).
    const receipt = await destination.waitFor(id, 10_000);
    expect(receipt.sender).toMatch(/serve-dashboard/);
    expect(receipt.body.includes(image)).toBe(true);
    expect(await deliveredForward(id, 10_000)).toEqual({ state: "delivered", attempts: 1 });
    expect(await jobsLeft(id)).toBe(0);
  });
});

/** A destination answering 200 that notes, for each request, the command line of the process that sent it. */
async function startRecordingServer() {
  const receipts = new Map<string, { sender: string; body: Buffer }>();
  const server = http.createServer((request, response) => {
    const sender = commandOfLocalPort(request.socket.remotePort!);
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      receipts.set(String(request.headers["webhook-id"]), { sender, body: Buffer.concat(chunks) });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    async waitFor(webhookId: string, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (!receipts.has(webhookId)) {
        if (Date.now() > deadline) throw new Error(`${webhookId} did not reach the destination`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return receipts.get(webhookId)!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The command line of the process whose TCP socket has this local port (ss, run as root, names it). */
function commandOfLocalPort(port: number): string {
  const lines = execFileSync("ss", ["-Htnp", "state", "established", `( sport = :${port} )`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(lines)?.[1];
  return pid ? readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ") : `no process for port ${port}`;
}
