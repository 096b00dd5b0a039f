import type { Spool } from "./spool.ts";

// Why a request body could not be taken in. The receiver maps each to its HTTP status.

export class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`body is larger than the limit of ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

export class MalformedBodyError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = "MalformedBodyError";
  }
}

/** The sender went away before the whole body arrived; there is nobody to answer. */
export class ClientAbortedError extends Error {
  constructor(readonly bytesReceived: number) {
    super(`the sender disconnected after ${bytesReceived} bytes`);
    this.name = "ClientAbortedError";
  }
}

/** The sender stopped sending mid-body (slowloris): cut off after BODY_TIMEOUT_SECONDS of nothing. */
export class BodyTimeoutError extends Error {
  readonly status = 408;
  constructor(
    readonly timeoutMs: number,
    readonly bytesReceived: number,
  ) {
    super(`no body bytes arrived for ${timeoutMs / 1000} s (after ${bytesReceived} bytes): the connection was closed`);
    this.name = "BodyTimeoutError";
  }
}

/**
 * The delivery was judged with a remembered source that has changed since (lib/sources/
 * receiving-source-cache.ts): nothing was recorded, and it is to be received again with the
 * source as it is now, from `rawBody` (now the catcher's to dispose of) or, when the body was
 * not read yet, from the request itself.
 */
export class SourceChangedError extends Error {
  constructor(readonly rawBody: Spool | null) {
    super("the source changed while the delivery was received");
    this.name = "SourceChangedError";
  }
}
