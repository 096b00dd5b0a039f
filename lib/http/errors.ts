import { ZodError } from "zod";
import { BlobCorruptError, BlobNotFoundError } from "../storage/blob-store.ts";
import { isStorageUnavailable } from "../storage/storage-errors.ts";

// One wrapper for every route handler: known errors become their status with a JSON body,
// storage outages become 503 with Retry-After, anything else a 500 without a stack trace.

export const RETRY_AFTER_SECONDS = 10;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}

export function withErrors<Args extends unknown[]>(handler: (request: Request, ...args: Args) => Promise<Response>) {
  return async (request: Request, ...args: Args): Promise<Response> => {
    try {
      return await handler(request, ...args);
    } catch (error) {
      return errorResponse(error, `${request.method} ${new URL(request.url).pathname}`);
    }
  };
}

/** An answer as plain data: route handlers wrap it in a Response, the receiver writes it itself. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** `during` names the request in the log, e.g. "GET /api/deliveries". */
export function errorResponse(error: unknown, during = "a request"): Response {
  const { status, body, headers } = errorAnswer(error, during);
  return jsonResponse(status, body, headers);
}

export function errorAnswer(error: unknown, during: string): JsonAnswer {
  if (error instanceof HttpError) return { status: error.status, body: { error: error.message }, headers: error.headers };
  if (error instanceof ZodError) {
    return { status: 400, body: { error: error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ") } };
  }
  if (isStorageUnavailable(error)) {
    console.warn(`storage unavailable during ${during}: ${describe(error)}`);
    return { status: 503, body: { error: "storage is unavailable; retry later" }, headers: { "retry-after": String(RETRY_AFTER_SECONDS) } };
  }
  if (error instanceof BlobCorruptError || error instanceof BlobNotFoundError) {
    // Never served as what it claims to be; `npm run cli -- blobs check` lists every such blob.
    console.error(`blob store during ${during}: ${error.message}`);
    const problem = error instanceof BlobCorruptError ? "are corrupt (they do not match their SHA-256)" : "are missing from the blob store";
    return { status: 500, body: { error: `the stored bytes ${problem}; an operator should run blobs check` } };
  }
  console.error(`unexpected error during ${during}:`, error);
  return { status: 500, body: { error: "internal error" } };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
