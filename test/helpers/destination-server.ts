import http from "node:http";
import type { AddressInfo } from "node:net";

// A forwarding destination for tests: a real HTTP server on loopback that keeps every request
// it receives (headers and raw body bytes) and answers each as `answer` says.

export interface Receipt {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface DestinationServer {
  url: string;
  port: number;
  receipts: Receipt[];
  /** Resolves once `count` requests have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Receipt[]>;
  close(): Promise<void>;
}

export async function startDestinationServer(
  answer: (index: number, receipt: Receipt) => Answer = () => ({ status: 200 }),
  port = 0,
): Promise<DestinationServer> {
  const receipts: Receipt[] = [];
  const waiters: Array<() => void> = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const receipt = { headers: request.headers, body: Buffer.concat(chunks), at: Date.now() };
      const index = receipts.push(receipt) - 1;
      const { status, headers, body } = answer(index, receipt);
      response.writeHead(status, headers).end(body ?? "ok");
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}/hooks`,
    port: actualPort,
    receipts,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (receipts.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} requests at the destination, got ${receipts.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return receipts.slice(0, count);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
