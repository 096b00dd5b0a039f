import path from "node:path";
import type { Readable } from "node:stream";
import { getConfig } from "../config.ts";
import { getPool } from "../db.ts";
import type { JsonAnswer } from "../http/errors.ts";
import { getBlobWriter } from "../storage/configured-store.ts";
import { whileReceiving } from "./ingest-activity.ts";
import { findReceivingSource } from "../sources/find-receiving-source.ts";
import { receiveDelivery } from "./receive-delivery.ts";
import { bodyShape } from "../schemes/body-shape.ts";
import { schemeFor } from "../schemes/index.ts";
import type { ReceiveOutcome } from "./receive-context.ts";

// POST /api/webhooks/<slug>: find the source, hand the streamed body to the receiver (one for
// every kind, lib/ingest/receive-delivery.ts), answer with the outcome. No 2xx leaves here before the receiver's commit.

export interface WebhookRequest {
  headers: Headers;
  /** The body as it arrives, not yet read. */
  body: Readable;
}

export function receiveWebhook(slug: string, request: WebhookRequest): Promise<JsonAnswer> {
  return whileReceiving(() => receive(slug, request));
}

async function receive(slug: string, request: WebhookRequest): Promise<JsonAnswer> {
  const pool = getPool();
  const source = await findReceivingSource(pool, slug);
  if (!source?.enabled) return { status: 404, body: { error: `no enabled source "${slug}"` } };

  const { MAX_BODY_BYTES, MAX_JSON_BODY_BYTES, BODY_TIMEOUT_SECONDS, dataDir } = getConfig();
  const context = {
    source,
    headers: request.headers,
    body: request.body,
    pool,
    blobs: await getBlobWriter(),
    // A JSON body is parsed whole in the worker, so it has the smaller limit.
    maxBodyBytes: bodyShape(schemeFor(source.kind), request.headers.get("content-type")) === "json" ? MAX_JSON_BODY_BYTES : MAX_BODY_BYTES,
    bodyTimeoutMs: BODY_TIMEOUT_SECONDS * 1000,
    spoolDir: path.join(dataDir, "tmp"),
  };
  const outcome = await receiveDelivery(context);
  return answer(outcome);
}

function answer(outcome: ReceiveOutcome): JsonAnswer {
  if (outcome.status === "verified") return { status: 200, body: { id: outcome.deliveryId, status: "verified" } };
  // After a 413 the rest of the body is unwanted: closing the connection stops the sender
  // instead of letting the server drain what is left.
  const headers: Record<string, string> = outcome.httpStatus === 413 ? { connection: "close" } : {};
  return { status: outcome.httpStatus, body: { id: outcome.deliveryId, status: outcome.status, error: outcome.reason }, headers };
}
