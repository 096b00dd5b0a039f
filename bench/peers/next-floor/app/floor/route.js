// The ceiling receiver's work (HMAC-SHA256 over the streamed body, constant-time compare, 200)
// inside a Next.js App Router route handler, as webhook-inbox's receiver runs: what Next's
// request handling alone costs, before any parsing or storage. Built and started by bench/ingest.ts.
import { createHmac, timingSafeEqual } from "node:crypto";
import { Readable } from "node:stream";

export const dynamic = "force-dynamic";

export async function POST(request) {
  const hmac = createHmac("sha256", process.env.BENCH_SECRET ?? "");
  for await (const chunk of Readable.fromWeb(request.body)) hmac.update(chunk);
  const expected = hmac.digest();
  const received = Buffer.from(request.headers.get("x-signature") ?? "", "hex");
  const isValid = received.length === expected.length && timingSafeEqual(received, expected);
  return Response.json({ status: isValid ? "verified" : "failed" }, { status: isValid ? 200 : 401 });
}
