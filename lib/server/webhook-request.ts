import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { errorAnswer, type JsonAnswer } from "../http/errors.ts";
import { receiveWebhook } from "../ingest/receive-webhook.ts";

// The receiver's HTTP edge on node:http: `POST /api/webhooks/<slug>`, the request's headers and
// its body stream handed over as they are, the answer written back.

const WEBHOOK_PATH = /^\/api\/webhooks\/([^/?#]+)\/?(?:\?.*)?$/;
const LINGER_MS = 1_000;

/** The source slug when the URL is a receiver URL, else null (Next serves it). */
export function webhookSlug(url: string): string | null {
  const match = WEBHOOK_PATH.exec(url);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1]; // not valid percent-encoding: no source has such a slug, so a 404 follows
  }
}

export async function handleWebhookRequest(slug: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let answer: JsonAnswer;
  try {
    answer =
      request.method === "POST"
        ? await receiveWebhook(slug, { headers: toHeaders(request), body: request })
        : { status: 405, body: { error: "a webhook receiver accepts POST only" }, headers: { allow: "POST" } };
  } catch (error) {
    answer = errorAnswer(error, `${request.method} /api/webhooks/${slug}`);
  }
  const body = JSON.stringify(answer.body);
  // Only for a body refused unread (413 from Content-Length): one refused mid-way has been
  // cut off by the receiver already.
  if (answer.headers?.connection === "close" && !request.readableDidRead) lingerBeforeClosing(request.socket);
  response
    .writeHead(answer.status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      ...answer.headers,
    })
    .end(body);
}

function toHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

/**
 * Node ends a `Connection: close` answer with socket.destroySoon(): a FIN, then destroy as soon
 * as the answer is flushed. A sender still pushing the body it was refused (413) then gets a
 * reset, and a reset can discard the answer before the sender has read it (seen in the 413
 * test: EPIPE, no status). So: half-close, stop reading, and destroy a moment later.
 */
function lingerBeforeClosing(socket: Socket): void {
  socket.destroySoon = () => {
    socket.end();
    socket.pause();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
