import { once } from "node:events";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendForward } from "./send-forward.ts";

// Keep-alive between attempts, over real sockets on loopback.

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe("sendForward", () => {
  it("sends a body given in parts as one body, and reuses the connection for the next attempt", async () => {
    const connections: net.Socket[] = [];
    const bodies: string[] = [];
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        bodies.push(Buffer.concat(chunks).toString());
        response.writeHead(204).end();
      });
    });
    server.on("connection", (socket) => connections.push(socket));
    const url = await listen(server);
    const parts = [Buffer.from("head|"), Buffer.from("image|"), Buffer.from("tail")];
    for (let i = 0; i < 2; i++) {
      const result = await sendForward({ url, headers: {}, body: { parts, length: 15 } }, { timeoutMs: 5000, allowPrivate: true });
      expect(result).toMatchObject({ httpStatus: 204, error: null });
    }
    expect(bodies).toEqual(["head|image|tail", "head|image|tail"]);
    expect(connections).toHaveLength(1);
  });

  it("sends again on a fresh connection when a kept-alive one turns out closed, without counting a failure", async () => {
    let requests = 0;
    // Answers the first request of a connection; closes it without answer on the second, as a server whose idle timeout just ran out.
    const server = net.createServer((socket) => {
      let served = 0;
      socket.on("data", (chunk) => {
        if (!chunk.includes("\r\n\r\n")) return;
        requests++;
        if (served++ === 0) socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok");
        else socket.destroy();
      });
    });
    const url = await listen(server);
    const body = Buffer.from("{}");
    expect(await sendForward({ url, headers: {}, body }, { timeoutMs: 5000, allowPrivate: true })).toMatchObject({ httpStatus: 200 });
    expect(await sendForward({ url, headers: {}, body }, { timeoutMs: 5000, allowPrivate: true })).toMatchObject({ httpStatus: 200, error: null });
    expect(requests).toBe(3);
  });

  it("still refuses a loopback destination when private addresses are not allowed, kept-alive sockets or not", async () => {
    const server = http.createServer((_request, response) => response.writeHead(204).end());
    const url = (await listen(server)).replace("127.0.0.1", "localhost");
    expect(await sendForward({ url, headers: {}, body: Buffer.from("x") }, { timeoutMs: 5000, allowPrivate: true })).toMatchObject({ httpStatus: 204 });
    const refused = await sendForward({ url, headers: {}, body: Buffer.from("x") }, { timeoutMs: 5000, allowPrivate: false });
    expect(refused).toMatchObject({ httpStatus: null, isRefused: true });
  });
});

async function listen(server: net.Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => {
    server.close();
    if (server instanceof http.Server) server.closeAllConnections();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
}
