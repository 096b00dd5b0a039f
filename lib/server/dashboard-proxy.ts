import http from "node:http";
import { pipeline } from "node:stream";

// The receiving process hands every request that is not a webhook delivery to the dashboard
// process (Next.js) on a loopback port, as a plain streaming HTTP/1.1 proxy: the request's
// method, path, headers and body as they came, the answer streamed back as it is produced (the
// live event stream included). Hand-written because it is this small and this fixed (one
// upstream, one hop, no rewriting), while a proxy library would bring routing, retries and
// WebSocket handling we do not use.
//
// X-Forwarded-For is set to the client's socket address when the client sent none, which is
// what `next start` itself did when it faced the client (lib/http/client-address.ts); Host,
// Origin and X-Forwarded-Proto pass through untouched, so server actions' same-origin check
// and the session cookie's Secure flag see what the browser sent.

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

/** `port` may come later than the first request (the dashboard still starting): requests wait for it. */
export function createDashboardProxy(upstream: { host: string; port: Promise<number> }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let port: number | undefined;
  void upstream.port.then((known) => (port = known));

  return (request: http.IncomingMessage, response: http.ServerResponse): void => {
    if (port === undefined) return void upstream.port.then(() => forward(request, response));
    forward(request, response);
  };

  function forward(request: http.IncomingMessage, response: http.ServerResponse): void {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    headers["x-forwarded-for"] ??= request.socket.remoteAddress ?? "unknown";

    const outgoing = http.request({ host: upstream.host, port, agent, method: request.method, path: request.url, headers }, (answer) => {
      const answerHeaders: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) answerHeaders[name] = value;
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answerHeaders);
      // A streamed answer (text/event-stream) must reach the browser chunk by chunk.
      response.flushHeaders();
      pipeline(answer, response, () => {});
    });
    outgoing.on("error", (error) => {
      if (response.headersSent) return void response.destroy();
      const body = JSON.stringify({ error: `the dashboard is not answering: ${error.message}` });
      response.writeHead(502, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "no-store" }).end(body);
    });
    // The browser went away (a closed page with an open event stream): stop the upstream request too.
    response.on("close", () => {
      if (!response.writableFinished) outgoing.destroy();
    });
    pipeline(request, outgoing, (error) => {
      if (error) outgoing.destroy();
    });
  }
}
