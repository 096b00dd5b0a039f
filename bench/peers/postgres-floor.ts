// The floor under any receiver that stores each delivery in PostgreSQL before its 200: bare
// node:http, HMAC-SHA256 over the streamed body and a constant-time compare (the ceiling's
// work), then one INSERT of the whole body as bytea, committed on its own, then 200. No
// parsing, no dedupe, no index but the key. It uses the same embedded PostgreSQL as
// webhook-inbox in bench/ingest.ts (a database of its own), so the two pay the same WAL flushes.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import pg from "pg";

const secret = process.env.BENCH_SECRET ?? "";
const port = Number(process.env.PORT ?? 0);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16 });
// EXTERNAL as webhook-inbox's blob_chunks: JPEG bytes are not worth a compression attempt.
await pool.query(`CREATE TABLE IF NOT EXISTS floor_bodies (id uuid PRIMARY KEY, body bytea NOT NULL);
  ALTER TABLE floor_bodies ALTER COLUMN body SET STORAGE EXTERNAL`);

const server = http.createServer((request, response) => {
  const hmac = createHmac("sha256", secret);
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => {
    hmac.update(chunk);
    chunks.push(chunk);
  });
  request.on("end", async () => {
    const expected = hmac.digest();
    const received = Buffer.from(String(request.headers["x-signature"] ?? ""), "hex");
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) return void response.writeHead(401).end("{}");
    try {
      await pool.query({ name: "insert-body", text: "INSERT INTO floor_bodies (id, body) VALUES ($1, $2)", values: [randomUUID(), Buffer.concat(chunks)] });
      response.writeHead(200, { "content-type": "application/json" }).end('{"status":"verified"}');
    } catch {
      response.writeHead(503).end("{}");
    }
  });
});

server.listen(port, "127.0.0.1", () => console.log(`listening ${(server.address() as { port: number }).port}`));
process.on("SIGTERM", () => server.close(() => void pool.end().then(() => process.exit(0))));
