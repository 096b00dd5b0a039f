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
//
// Connections are kept alive between attempts (a new TCP, and TLS, handshake per forward was a
// measurable share of its cost). Every new connection still resolves its host through
// `guardedLookup`, so the address policy holds for each address connected to; a pooled socket
// stays connected to the address that was checked when it opened, whatever the name resolves to
// later, and an idle one is closed after FREE_SOCKET_MS. One pool per protocol and policy
// (ALLOW_PRIVATE_DESTINATIONS), so a socket opened under one policy never serves the other. A
// request on a pooled socket that the server had closed meanwhile fails before any answer: it
// is sent once more, on a fresh socket, rather than counted as a failed attempt.

const RESPONSE_READ_LIMIT = 64 * 1024;
const RESPONSE_KEEP_LIMIT = 4 * 1024;
/** Below Node's default server keepAliveTimeout (5 s), so we close an idle socket before the server does. */
const FREE_SOCKET_MS = 4_000;
/** Errors of a pooled socket the server closed while it sat idle. */
const STALE_SOCKET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

export interface ForwardRequest {
  url: string;
  headers: Record<string, string>;
  /** In memory (whole, or in parts written as they are, without joining them), or streamed from the blob store (a large image). */
  body: Buffer | BufferedParts | StreamedBody;
}

export interface BufferedParts {
  readonly length: number;
  readonly parts: readonly Buffer[];
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

const agents = new Map<string, http.Agent>();

export async function sendForward(request: ForwardRequest, options: { timeoutMs: number; allowPrivate: boolean }): Promise<AttemptResult> {
  const started = performance.now();
  const first = await sendOnce(request, options);
  if (!first.isStaleSocket) return withoutFlag(first);
  const again = await sendOnce(request, { ...options, timeoutMs: Math.max(1, options.timeoutMs - (performance.now() - started)) });
  return { ...withoutFlag(again), latencyMs: Math.round((performance.now() - started) * 10) / 10 };
}

function withoutFlag({ isStaleSocket: _, ...result }: AttemptResult & { isStaleSocket?: boolean }): AttemptResult {
  return result;
}

function agentFor(protocol: string, allowPrivate: boolean): http.Agent {
  const key = `${protocol}${allowPrivate}`;
  let agent = agents.get(key);
  if (!agent) {
    const options = { keepAlive: true, timeout: FREE_SOCKET_MS, maxFreeSockets: 64, scheduling: "lifo" as const };
    agent = protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

function sendOnce(request: ForwardRequest, options: { timeoutMs: number; allowPrivate: boolean }): Promise<AttemptResult & { isStaleSocket?: boolean }> {
  const started = performance.now();
  const url = new URL(request.url);
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  return new Promise((resolve) => {
    let isSettled = false;
    let source: Readable | undefined;
    let hasAnswer = false;
    /** `isComplete`: the whole answer was read, so the socket can serve the next attempt. */
    const settle = (result: Omit<AttemptResult, "latencyMs"> & { isStaleSocket?: boolean }, isComplete = false) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(deadline);
      if (!isComplete) outgoing.destroy();
      source?.destroy(); // a streamed body's read of the blob store ends with the attempt
      resolve({ ...result, latencyMs: elapsed() });
    };
    const fail = (error: Error) =>
      settle({
        httpStatus: null,
        error: describeError(error),
        retryAfter: null,
        excerpt: null,
        isRefused: error instanceof RefusedDestinationError,
        isStaleSocket: outgoing.reusedSocket && !hasAnswer && STALE_SOCKET_CODES.has((error as NodeJS.ErrnoException).code ?? ""),
      });
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
      agent: agentFor(url.protocol, options.allowPrivate),
    });
    const deadline = setTimeout(() => fail(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    outgoing.on("error", fail);
    outgoing.on("response", (response) => {
      hasAnswer = true;
      const chunks: Buffer[] = [];
      let read = 0;
      const finish = (isComplete: boolean) =>
        settle(
          {
            httpStatus: response.statusCode ?? null,
            error: null,
            retryAfter: typeof response.headers["retry-after"] === "string" ? response.headers["retry-after"] : null,
            excerpt: read === 0 ? null : Buffer.concat(chunks).subarray(0, RESPONSE_KEEP_LIMIT).toString("utf8"),
          },
          isComplete,
        );
      response.on("data", (chunk: Buffer) => {
        if (read < RESPONSE_READ_LIMIT) chunks.push(chunk.subarray(0, RESPONSE_READ_LIMIT - read));
        read += chunk.length;
        if (read >= RESPONSE_READ_LIMIT) finish(false); // enough: the status is what counts
      });
      response.on("end", () => finish(true));
      // Cut off mid-answer: the status line arrived, so the destination did answer.
      response.on("error", () => finish(false));
      response.on("aborted", () => finish(false));
    });
    if (Buffer.isBuffer(request.body)) return void outgoing.end(request.body);
    if ("parts" in request.body) {
      // Written as they are (one writev with the headers), not joined into one copy first.
      const { parts } = request.body;
      outgoing.cork();
      for (const part of parts.slice(0, -1)) outgoing.write(part);
      outgoing.end(parts.at(-1));
      return;
    }
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
