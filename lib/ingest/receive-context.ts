import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type pg from "pg";
import type { DeliveryFacts, DeliveryStatus } from "../deliveries/record-delivery.ts";
import type { ReceivingSource } from "./find-receiving-source.ts";

// What every kind of receiver gets, and what it answers.

export interface ReceiveContext {
  source: ReceivingSource;
  headers: Headers;
  body: Readable;
  pool: pg.Pool;
  maxBodyBytes: number;
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
export function describeRequest(context: ReceiveContext, signatureHeader: string): DeliveryFacts {
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
    signature: context.headers.get(signatureHeader)?.slice(0, 1024) ?? null,
    headers,
    matchedCredential: null,
    durationMs: 0,
  };
}
