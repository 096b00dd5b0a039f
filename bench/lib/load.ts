import { readFileSync } from "node:fs";
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
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/**
 * Closes the idle keep-alive connections, so that the next load opens fresh ones: a connection
 * the server is about to time out would otherwise fail the first request sent on it.
 */
export function closeIdleConnections(): void {
  for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
}

/**
 * Waits until the machine's CPUs have been at least `idleShare` idle over a `windowMs` window
 * (at most `timeoutMs`): what one receiver does after its load (thumbnails, PostgreSQL writing
 * back and checkpointing, the kernel flushing files) must not be counted against the next.
 */
export async function untilMachineSettles({ idleShare = 0.85, windowMs = 1000, timeoutMs = 30_000 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = readCpuTimes();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = readCpuTimes();
    if ((after.idle - before.idle) / Math.max(1, after.total - before.total) >= idleShare) return;
  }
}

function readCpuTimes(): { idle: number; total: number } {
  // The first line of /proc/stat: user nice system idle iowait irq softirq steal …
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3] + fields[4], total: fields.reduce((sum, value) => sum + value, 0) };
}
