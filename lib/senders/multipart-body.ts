import { randomBytes } from "node:crypto";

// Builds multipart/form-data bodies byte by byte, as a sender on the wire would, so that the
// sender tool and the tests control every byte the signature covers (FormData would choose its
// own boundary and layout, and could not be signed before it is sent).

export type Part = { name: string; value: string } | { name: string; filename: string; contentType: string; data: Buffer };

export interface MultipartBody {
  body: Buffer;
  contentType: string;
  boundary: string;
}

/**
 * Without `boundary`, a random one is chosen, as HTTP clients do, and chosen again in the
 * unlikely case it occurs in a part. A given boundary that occurs in a part is an error: the
 * receiver would cut the part there.
 */
export function buildMultipart(parts: Part[], boundary?: string): MultipartBody {
  const chosen = boundary ?? randomBoundary();
  if (parts.some((part) => contentOf(part).includes(`--${chosen}`))) {
    if (boundary !== undefined) throw new Error(`the multipart boundary "${boundary}" occurs inside a part`);
    return buildMultipart(parts);
  }
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(partHead(part, chosen));
    chunks.push(contentOf(part));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(closingDelimiter(chosen));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${chosen}`, boundary: chosen };
}

/** The usual MaskIt delivery: a metadata part and one maskedImage file part. */
export function maskitBody(
  image: Buffer,
  metadata = "batch-1/frame-1",
  options: { filename?: string; contentType?: string; field?: string; boundary?: string } = {},
): MultipartBody {
  return buildMultipart(
    [
      { name: "metadata", value: metadata },
      { name: options.field ?? "maskedImage", filename: options.filename ?? "masked.jpg", contentType: options.contentType ?? "image/jpeg", data: image },
    ],
    options.boundary,
  );
}

/** Where the bytes of the last part start and end in a body from buildMultipart. */
export function lastPartRange(body: MultipartBody, partLength: number): { start: number; end: number } {
  const end = body.body.length - Buffer.byteLength(`\r\n--${body.boundary}--\r\n`);
  return { start: end - partLength, end };
}

/** What comes before a part's content: its boundary line and headers. The content is followed by CRLF. */
export function partHead(part: { name: string } | { name: string; filename: string; contentType: string }, boundary: string): Buffer {
  const head = [`--${boundary}`, `Content-Disposition: ${dispositionOf(part)}`];
  if ("filename" in part) head.push(`Content-Type: ${part.contentType}`);
  return Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "utf8");
}

/** The end of the body, after the last part's CRLF. */
export function closingDelimiter(boundary: string): Buffer {
  return Buffer.from(`--${boundary}--\r\n`);
}

export function randomBoundary(): string {
  return `----webhook-inbox-${randomBytes(12).toString("hex")}`;
}

function contentOf(part: Part): Buffer {
  return "filename" in part ? part.data : Buffer.from(part.value, "utf8");
}

function dispositionOf(part: { name: string } | { name: string; filename: string }): string {
  if (!("filename" in part)) return `form-data; name="${quoted(part.name)}"`;
  return `form-data; name="${quoted(part.name)}"; filename="${quoted(part.filename)}"`;
}

/** Escapes what would end the quoted string or the header line, the way browsers do (WHATWG). */
function quoted(text: string): string {
  return text.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
