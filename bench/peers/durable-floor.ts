// The floor under any receiver that keeps each delivery's bytes in files and a row about them in
// PostgreSQL, durable before its 200: bare node:http, HMAC-SHA256 over the streamed body and a
// constant-time compare (the ceiling's work), the body streamed as it arrives into a temporary
// file in the destination folder (so a large one is never whole in memory), then fdatasync,
// rename to its SHA-256, fsync of the folder so that the rename survives a crash — as a careful
// durable receiver does — then one small INSERT (id, sha256, size) committed on its own, then
// 200. No parsing, no dedupe, no index but the key. Its PostgreSQL is an embedded cluster
// started as webhook-inbox starts its own (bench/ingest.ts).
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";

const secret = process.env.BENCH_SECRET ?? "";
const port = Number(process.env.PORT ?? 0);
const dir = process.env.OUTPUT_DIR ?? path.join(process.cwd(), "durable-floor");
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16 });
await mkdir(dir, { recursive: true });
await pool.query("CREATE TABLE IF NOT EXISTS floor_files (id uuid PRIMARY KEY, sha256 text NOT NULL, size integer NOT NULL)");

async function receive(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const hmac = createHmac("sha256", secret);
  const hash = createHash("sha256");
  let size = 0;
  const temporary = path.join(dir, `.${randomUUID()}.tmp`);
  const file = await open(temporary, "wx");
  let isKept = false;
  try {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        hmac.update(chunk);
        hash.update(chunk);
        size += chunk.length;
        file.write(chunk).then(() => callback(), callback);
      },
    });
    await pipeline(request, sink);
    const expected = hmac.digest();
    const received = Buffer.from(String(request.headers["x-signature"] ?? ""), "hex");
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) return void response.writeHead(401).end("{}");
    await file.datasync();
    await file.close();
    const sha256 = hash.digest("hex");
    await rename(temporary, path.join(dir, sha256));
    isKept = true;
    const folder = await open(dir, "r");
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
    await pool.query({ name: "insert-file", text: "INSERT INTO floor_files (id, sha256, size) VALUES ($1, $2, $3)", values: [randomUUID(), sha256, size] });
    response.writeHead(200, { "content-type": "application/json" }).end('{"status":"verified"}');
  } finally {
    await file.close().catch(() => {}); // already closed when kept
    if (!isKept) await rm(temporary, { force: true });
  }
}

const server = http.createServer((request, response) => {
  receive(request, response).catch(() => {
    if (!response.headersSent) response.writeHead(503).end("{}");
    else response.destroy();
  });
});

server.listen(port, "127.0.0.1", () => console.log(`listening ${(server.address() as { port: number }).port}`));
process.on("SIGTERM", () => server.close(() => void pool.end().then(() => process.exit(0))));
