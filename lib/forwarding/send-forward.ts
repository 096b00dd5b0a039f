import http from "node:http";
import type { Readable } from "node:stream";
import https from "node:https";
import { isIP } from "node:net";
import { performance } from "node:perf_hooks";
import { assertAllowedAddress, assertAllowedHost, RefusedDestinationError } from "./address-policy.ts";
import { guardedLookup, hostOf } from "./resolve-destination.ts";
import type { StreamedBody } from "./streamed-multipart.ts";

// One HTTP attempt, on node:http rather than fetch: fetch follows redirects unless told not to
// and cannot be given a lookup, and we need both the connection pinned to checked addresses and
// hard limits. Never follows a redirect; reads at most 64 KB of the answer and then closes the
// connection (a 100 MB answer costs 64 KB); one deadline covers connect, send and answer.

const RESPONSE_READ_LIMIT = 64 * 1024;
const RESPONSE_KEEP_LIMIT = 4 * 1024;

export interface ForwardRequest {
  url: string;
  headers: Record<string, string>;
  /** In memory, or streamed from the blob store (a large image). */
  body: Buffer | StreamedBody;
}

export interface AttemptResult {
  httpStatus: number | null;
  error: string | null;
  latencyMs: number;
  retryAfter: string | null;
  /** The start of the answer, at most 4 KB, as text. */
  excerpt: string | null;
  /** The address policy refused the destination: not retried. */
  isRefused?: boolean;
}

export function sendForward(request: ForwardRequest, options: { timeoutMs: number; allowPrivate: boolean }): Promise<AttemptResult> {
  const started = performance.now();
  const url = new URL(request.url);
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  return new Promise((resolve) => {
    let isSettled = false;
    let source: Readable | undefined;
    const settle = (result: Omit<AttemptResult, "latencyMs">) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(deadline);
      outgoing.destroy();
      source?.destroy(); // a streamed body's read of the blob store ends with the attempt
      resolve({ ...result, latencyMs: elapsed() });
    };
    const fail = (error: Error) =>
      settle({ httpStatus: null, error: describeError(error), retryAfter: null, excerpt: null, isRefused: error instanceof RefusedDestinationError });
    // IP literals skip DNS, so they are checked here; names are checked in the lookup.
    try {
      assertAllowedHost(hostOf(url));
      if (isIP(hostOf(url))) assertAllowedAddress(hostOf(url), options.allowPrivate);
    } catch (error) {
      return resolve({ httpStatus: null, error: (error as Error).message, retryAfter: null, excerpt: null, latencyMs: 0, isRefused: true });
    }
    const transport = url.protocol === "https:" ? https : http;
    const outgoing = transport.request(url, {
      method: "POST",
      headers: { ...request.headers, "content-length": String(request.body.length) },
      lookup: guardedLookup(options.allowPrivate),
      agent: false, // a fresh connection per attempt: no pooled socket to an address checked long ago
    });
    const deadline = setTimeout(() => fail(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    outgoing.on("error", fail);
    outgoing.on("response", (response) => {
      const chunks: Buffer[] = [];
      let read = 0;
      const finish = () =>
        settle({
          httpStatus: response.statusCode ?? null,
          error: null,
          retryAfter: typeof response.headers["retry-after"] === "string" ? response.headers["retry-after"] : null,
          excerpt: read === 0 ? null : Buffer.concat(chunks).subarray(0, RESPONSE_KEEP_LIMIT).toString("utf8"),
        });
      response.on("data", (chunk: Buffer) => {
        if (read < RESPONSE_READ_LIMIT) chunks.push(chunk.subarray(0, RESPONSE_READ_LIMIT - read));
        read += chunk.length;
        if (read >= RESPONSE_READ_LIMIT) finish(); // enough: the status is what counts
      });
      response.on("end", finish);
      // Cut off mid-answer: the status line arrived, so the destination did answer.
      response.on("error", finish);
      response.on("aborted", finish);
    });
    if (Buffer.isBuffer(request.body)) return void outgoing.end(request.body);
    // pipe() waits for the socket to drain: at most a chunk or two of the image in memory.
    request.body
      .open()
      .then((stream) => {
        source = stream;
        if (isSettled) return void stream.destroy();
        stream.on("error", fail);
        stream.pipe(outgoing);
      })
      .catch(fail);
  });
}

function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message).slice(0, 500);
}
