import http from "node:http";
import { performance } from "node:perf_hooks";

// A closed-loop load generator: `concurrency` workers, each sending its next request as soon
// as the previous one is answered. Bodies are prepared beforehand so that the generator's own
// work (signing, building bodies) is not measured.

export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadResult {
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<number, number>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export async function runLoad(port: number, requests: PreparedRequest[], concurrency: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const request = requests[next++];
        const sent = performance.now();
        const status = await send(port, request);
        latencies.push(performance.now() - sent);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { count: requests.length, seconds, perSecond: requests.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), statuses };
}

function send(port: number, request: PreparedRequest): Promise<number> {
  return new Promise((resolve) => {
    const outgoing = http.request(
      { host: "127.0.0.1", port, method: "POST", path: request.path, agent, headers: { ...request.headers, "content-length": request.body.length } },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    // A reset connection is a result too (status 0), not a reason to stop the benchmark.
    outgoing.on("error", () => resolve(0));
    outgoing.end(request.body);
  });
}

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}
