// The ceiling for any Node receiver: bare node:http, the body hashed with HMAC-SHA256 as it
// streams in and compared in constant time, then 200. It stores nothing and parses nothing.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";

const secret = process.env.BENCH_SECRET ?? "";
const port = Number(process.env.PORT ?? 0);

const server = http.createServer((request, response) => {
  const hmac = createHmac("sha256", secret);
  request.on("data", (chunk: Buffer) => hmac.update(chunk));
  request.on("end", () => {
    const expected = hmac.digest();
    const received = Buffer.from(String(request.headers["x-signature"] ?? ""), "hex");
    const isValid = received.length === expected.length && timingSafeEqual(received, expected);
    response.writeHead(isValid ? 200 : 401, { "content-type": "application/json" }).end(isValid ? '{"status":"verified"}' : "{}");
  });
});

server.listen(port, "127.0.0.1", () => console.log(`listening ${(server.address() as { port: number }).port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
