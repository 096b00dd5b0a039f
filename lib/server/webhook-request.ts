import type { IncomingMessage, ServerResponse } from "node:http";
import { errorResponse, jsonResponse } from "../http/errors.ts";
import { receiveWebhook } from "../ingest/receive-webhook.ts";

// The receiver's HTTP edge on node:http: `POST /api/webhooks/<slug>`, the request's headers and
// its body stream handed over as they are, the answer written back.

const WEBHOOK_PATH = /^\/api\/webhooks\/([^/?#]+)\/?(?:\?.*)?$/;

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
  let answer: Response;
  try {
    answer =
      request.method === "POST"
        ? await receiveWebhook(slug, { headers: toHeaders(request), body: request })
        : jsonResponse(405, { error: "a webhook receiver accepts POST only" }, { allow: "POST" });
  } catch (error) {
    answer = errorResponse(error, `${request.method} /api/webhooks/${slug}`);
  }
  await writeAnswer(answer, response);
}

function toHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

async function writeAnswer(answer: Response, response: ServerResponse): Promise<void> {
  const body = Buffer.from(await answer.arrayBuffer());
  const headers: Record<string, string> = { "content-length": String(body.length) };
  answer.headers.forEach((value, name) => (headers[name] = value));
  response.writeHead(answer.status, headers).end(body);
}
