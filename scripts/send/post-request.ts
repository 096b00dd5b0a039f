import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import type { SignedRequest } from "../../lib/senders/sign-maskit.ts";

// One POST with node:http(s) rather than fetch: the body goes out exactly as signed, with its
// Content-Length, and nothing (no compression, no retries) stands between it and the receiver.

export type PostResult = { status: number; body: string; milliseconds: number } | { error: string; milliseconds: number };

/** Enough of an answer to show why it was refused, not a whole error page. */
const MAX_ANSWER_BYTES = 2048;

const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 256 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

export function postRequest(url: URL, request: SignedRequest, timeoutMs: number): Promise<PostResult> {
  const startedAt = performance.now();
  const elapsed = () => performance.now() - startedAt;
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const outgoing = client.request(
      url,
      {
        method: "POST",
        agent: agents[url.protocol as keyof typeof agents],
        headers: { ...request.headers, "content-length": String(request.body.length), "user-agent": "webhook-inbox-send" },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on("end", () => {
          const body = Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString("utf8");
          resolve({ status: response.statusCode ?? 0, body, milliseconds: elapsed() });
        });
        response.on("error", (error) => resolve({ error: describeError(error), milliseconds: elapsed() }));
      },
    );
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    outgoing.on("error", (error) => resolve({ error: describeError(error), milliseconds: elapsed() }));
    outgoing.end(request.body);
  });
}

/** Lets the process exit once the last delivery is answered. */
export function closeConnections(): void {
  for (const agent of Object.values(agents)) agent.destroy();
}

function describeError(error: Error & { code?: string }): string {
  return error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
}
