import path from "node:path";
import { Readable } from "node:stream";
import { getConfig } from "../config.ts";
import { getPool } from "../db.ts";
import type { JsonAnswer } from "../http/errors.ts";
import { getBlobWriter } from "../storage/configured-store.ts";
import { whileReceiving } from "./ingest-activity.ts";
import type { ReceivingSource } from "../sources/find-receiving-source.ts";
import { findSourceToReceive, readSourceAgain } from "../sources/receiving-source-cache.ts";
import { SourceChangedError } from "./errors.ts";
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
  const found = await findSourceToReceive(pool, slug);
  if (!found.source?.enabled) return notFound(slug);
  try {
    return answer(await receiveDelivery(await contextFor(found.source, request, found.isRemembered)));
  } catch (error) {
    if (!(error instanceof SourceChangedError)) throw error;
    // The remembered source has changed: receive the delivery again with the source as it is now.
    const { rawBody } = error;
    try {
      const source = await readSourceAgain(pool, slug);
      if (!source?.enabled) return notFound(slug);
      const body = rawBody ? Readable.from(rawBody.chunks(64 * 1024)) : request.body;
      return answer(await receiveDelivery(await contextFor(source, { ...request, body }, false)));
    } finally {
      await rawBody?.dispose();
    }
  }
}

async function contextFor(source: ReceivingSource, request: WebhookRequest, isSourceRemembered: boolean) {
  const { MAX_BODY_BYTES, MAX_JSON_BODY_BYTES, BODY_TIMEOUT_SECONDS, dataDir } = getConfig();
  return {
    source,
    isSourceRemembered,
    headers: request.headers,
    body: request.body,
    pool: getPool(),
    blobs: await getBlobWriter(),
    // A JSON body is parsed whole in the worker, so it has the smaller limit.
    maxBodyBytes: bodyShape(schemeFor(source.kind), request.headers.get("content-type")) === "json" ? MAX_JSON_BODY_BYTES : MAX_BODY_BYTES,
    bodyTimeoutMs: BODY_TIMEOUT_SECONDS * 1000,
    spoolDir: path.join(dataDir, "tmp"),
  };
}

function notFound(slug: string): JsonAnswer {
  return { status: 404, body: { error: `no enabled source "${slug}"` } };
}

function answer(outcome: ReceiveOutcome): JsonAnswer {
  if (outcome.status === "verified") return { status: 200, body: { id: outcome.deliveryId, status: "verified" } };
  // After a 413 the rest of the body is unwanted: closing the connection stops the sender
  // instead of letting the server drain what is left.
  const headers: Record<string, string> = outcome.httpStatus === 413 ? { connection: "close" } : {};
  return { status: outcome.httpStatus, body: { id: outcome.deliveryId, status: outcome.status, error: outcome.reason }, headers };
}
