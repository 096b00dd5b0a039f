import net from "node:net";

// HTTP/1.1 over a plain socket, for what fetch cannot do: send a body shorter than its
// Content-Length, or watch for the answer while the body is still being sent.

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  bytesSentBeforeResponse: number;
}

export function rawPost(options: {
  port: number;
  path: string;
  headers: Record<string, string>;
  /** Body bytes to send; may be shorter than a declared Content-Length. */
  body: Buffer;
  /** Close the socket after sending the body instead of waiting for an answer. */
  hangUpAfterBody?: boolean;
  /** Pause after this many body bytes and run `duringPause` before sending the rest. */
  pauseAfter?: number;
  duringPause?: () => Promise<void>;
}): Promise<RawResponse | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options.port, "127.0.0.1");
    let received = Buffer.alloc(0);
    let sent = 0;
    let sentAtResponse = -1;
    socket.on("data", (chunk) => {
      if (sentAtResponse < 0) sentAtResponse = sent;
      received = Buffer.concat([received, chunk]);
      const parsed = parseResponse(received);
      if (parsed) {
        socket.destroy();
        resolve({ ...parsed, bytesSentBeforeResponse: sentAtResponse });
      }
    });
    socket.on("error", (error) => (sentAtResponse >= 0 || options.hangUpAfterBody ? undefined : reject(error)));
    socket.on("close", () => resolve(parseResponse(received) ? { ...parseResponse(received)!, bytesSentBeforeResponse: sentAtResponse } : null));
    socket.on("connect", async () => {
      const head = [`POST ${options.path} HTTP/1.1`, "Host: 127.0.0.1", ...Object.entries(options.headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${head.join("\r\n")}\r\n\r\n`);
      const step = 64 * 1024;
      for (let offset = 0; offset < options.body.length && sentAtResponse < 0 && !socket.destroyed; offset += step) {
        if (options.pauseAfter !== undefined && offset <= options.pauseAfter && options.pauseAfter < offset + step) {
          const before = options.body.subarray(offset, options.pauseAfter);
          socket.write(before);
          sent += before.length;
          await options.duringPause?.();
          const after = options.body.subarray(options.pauseAfter, offset + step);
          socket.write(after);
          sent += after.length;
          continue;
        }
        const piece = options.body.subarray(offset, offset + step);
        if (!socket.write(piece)) await new Promise((resume) => socket.once("drain", resume));
        sent += piece.length;
      }
      if (options.hangUpAfterBody) setTimeout(() => socket.destroy(), 50);
    });
  });
}

function parseResponse(data: Buffer): Omit<RawResponse, "bytesSentBeforeResponse"> | null {
  const end = data.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const [statusLine, ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
  let body = data.subarray(end + 4);
  if (headers["content-length"]) {
    if (body.length < Number(headers["content-length"])) return null;
  } else if (headers["transfer-encoding"] === "chunked") {
    if (!body.includes("\r\n0\r\n\r\n") && !body.subarray(0, 5).equals(Buffer.from("0\r\n\r\n"))) return null;
    body = dechunk(body);
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: body.toString("utf8") };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", offset);
    const size = parseInt(data.subarray(offset, lineEnd).toString(), 16);
    if (!size) return Buffer.concat(out);
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
