import { ZodError } from "zod";
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

/** `during` names the request in the log, e.g. "GET /api/deliveries". */
export function errorResponse(error: unknown, during = "a request"): Response {
  if (error instanceof HttpError) return jsonResponse(error.status, { error: error.message }, error.headers);
  if (error instanceof ZodError) {
    return jsonResponse(400, { error: error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ") });
  }
  if (isStorageUnavailable(error)) {
    console.warn(`storage unavailable during ${during}: ${describe(error)}`);
    return jsonResponse(503, { error: "storage is unavailable; retry later" }, { "retry-after": String(RETRY_AFTER_SECONDS) });
  }
  console.error(`unexpected error during ${during}:`, error);
  return jsonResponse(500, { error: "internal error" });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
