import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import type pg from "pg";
import type { BlobWriter } from "../storage/blob-rows.ts";
import { recordUnverifiedDelivery, type DeliveryFacts, type DeliveryStatus } from "../deliveries/record-delivery.ts";
import { getConfig } from "../config.ts";
import type { ReceivingSource } from "../sources/find-receiving-source.ts";
import { evictOldestQuarantined } from "./evict-quarantine.ts";
import { quarantineRoom, quotaReason } from "./quarantine-quota.ts";
import { mayQuarantine } from "./quarantine-rate.ts";
import type { Spool } from "./spool.ts";

// What every kind of receiver gets, and what it answers.

export interface ReceiveContext {
  source: ReceivingSource;
  /** The source came from memory (lib/sources/receiving-source-cache.ts): confirmed before it decides anything. */
  isSourceRemembered?: boolean;
  headers: Headers;
  body: Readable;
  pool: pg.Pool;
  blobs: BlobWriter;
  maxBodyBytes: number;
  /** BODY_TIMEOUT_SECONDS: how long a body may go without a byte before it is cut off. */
  bodyTimeoutMs: number;
  spoolDir: string;
}

export interface ReceiveOutcome {
  httpStatus: number;
  deliveryId: string;
  status: DeliveryStatus;
  reason: string | null;
  isDuplicate: boolean;
}

const REDACTED_HEADERS = new Set(["authorization", "cookie", "proxy-authorization", "x-api-key"]);

/** The facts known before the body is read; receivers fill in the rest. */
export function describeRequest(context: ReceiveContext, signatureHeaders: readonly string[]): DeliveryFacts {
  const headers: Record<string, string> = {};
  context.headers.forEach((value, name) => {
    headers[name] = REDACTED_HEADERS.has(name) ? "[redacted]" : value;
  });
  return {
    id: randomUUID(),
    sourceId: context.source.id,
    receivedAt: new Date(),
    status: "rejected",
    httpStatus: 0,
    reason: null,
    metadata: null,
    fileName: null,
    contentType: context.headers.get("content-type"),
    bodySha256: null,
    bodySize: null,
    signature:
      signatureHeaders
        .map((name) => context.headers.get(name))
        .find(Boolean)
        ?.slice(0, 2048) ?? null,
    headers,
    matchedCredential: null,
    durationMs: 0,
  };
}

/**
 * Records a delivery that ends without being verified (failed or rejected), with its raw body
 * in quarantine when there is one, and gives the outcome to answer.
 */
export async function recordRefusal(
  context: ReceiveContext,
  facts: DeliveryFacts,
  refusal: { status: "failed" | "rejected"; httpStatus: number; reason: string; rawBody?: Spool | null; startedAt: number; answeredReason?: string },
): Promise<ReceiveOutcome> {
  const { QUARANTINE_PER_MINUTE } = getConfig();
  const isWithinRate = refusal.rawBody ? mayQuarantine(context.source.id, QUARANTINE_PER_MINUTE) : false;
  const room = isWithinRate ? await quarantineRoom(context.pool, context.source.id, refusal.rawBody!.size) : null;
  // Past the quota, the source's oldest bodies make room for this one, unless it alone is larger.
  if (room && !room.isWithin && room.bytesOver <= room.usedBytes) {
    room.isWithin = (await evictOldestQuarantined(context, context.source.id, room.bytesOver)) >= room.bytesOver;
  }
  const isKept = isWithinRate && room!.isWithin;
  const notKept =
    !refusal.rawBody || isKept
      ? null
      : room
        ? quotaReason(room.quotaBytes)
        : `body not kept: more than ${QUARANTINE_PER_MINUTE} failed deliveries from this source in a minute`;
  const reason = notKept ? `${refusal.reason} (${notKept})` : refusal.reason;
  const recorded = { ...facts, status: refusal.status, httpStatus: refusal.httpStatus, reason, durationMs: performance.now() - refusal.startedAt };
  await recordUnverifiedDelivery(context, recorded, isKept ? refusal.rawBody! : null);
  return { httpStatus: refusal.httpStatus, deliveryId: facts.id, status: refusal.status, reason: refusal.answeredReason ?? refusal.reason, isDuplicate: false };
}

/** The Content-Length check that lets a receiver refuse an oversized body before reading it. */
export function declaredLengthTooLarge(context: ReceiveContext): string | null {
  const declared = Number(context.headers.get("content-length"));
  return declared > context.maxBodyBytes ? `Content-Length ${declared} exceeds the limit of ${context.maxBodyBytes} bytes` : null;
}
