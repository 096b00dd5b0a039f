import { createHmac } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { buildMultipart } from "../../lib/senders/multipart-body.ts";

// Receivers posting signed MaskIt deliveries back to back while something else runs (a purge),
// to see how long the slowest of them waited. Each body is distinct, so none is a duplicate.
// A tiny valid PNG keeps the sender's own work out of the figures.

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");

export interface WaitFigures {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** Requests that took longer than 100 ms (the bound for a purge). */
  over100: number;
  statuses: Record<number, number>;
}

export function sampleReceiverWaits(port: number, secret: string, concurrency: number, slug = "bench") {
  let latencies: number[] = [];
  let statuses: Record<number, number> = {};
  let isRunning = true;
  let sequence = 0;
  const agent = new http.Agent({ keepAlive: true });
  const workers = Array.from({ length: concurrency }, async () => {
    while (isRunning) {
      const { body, contentType } = buildMultipart([
        { name: "metadata", value: `waits ${process.pid} ${sequence++} ${Date.now()}` },
        { name: "maskedImage", filename: "dot.png", contentType: "image/png", data: PNG },
      ]);
      const sent = performance.now();
      const status = await post(agent, port, `/api/webhooks/${slug}`, body, {
        "content-type": contentType,
        "x-signature": createHmac("sha256", secret).update(body).digest("hex"),
      });
      latencies.push(performance.now() - sent);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  });
  return {
    /** The figures since the last mark, and a fresh start. */
    mark(): WaitFigures {
      const sorted = latencies.sort((a, b) => a - b);
      const figures = {
        count: sorted.length,
        p50: sorted[Math.floor(sorted.length / 2)] ?? 0,
        p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
        max: sorted.at(-1) ?? 0,
        over100: sorted.filter((ms) => ms > 100).length,
        statuses,
      };
      latencies = [];
      statuses = {};
      return figures;
    },
    async stop() {
      isRunning = false;
      await Promise.all(workers);
      agent.destroy();
    },
  };
}

function post(agent: http.Agent, port: number, path: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      { host: "127.0.0.1", port, method: "POST", path, agent, headers: { ...headers, "content-length": body.length } },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    request.on("error", () => resolve(0));
    request.end(body);
  });
}
