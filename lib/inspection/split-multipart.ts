import { createHash } from "node:crypto";
import { sniffImageType } from "../ingest/image-type.ts";

// A forgiving multipart reader for quarantined bodies, which may be anything: it finds what
// parts it can (by byte offsets in the body, so that diagnostics can hash a part on its own)
// and says what is wrong instead of throwing. The receiver's strict reader is busboy
// (lib/ingest/read-multipart.ts); this one only explains.

export interface RawPart {
  name: string | null;
  fileName: string | null;
  declaredType: string | null;
  /** The part's content, without its headers. */
  data: Buffer;
  size: number;
  sha256: string;
  /** JPEG or PNG by its bytes, or null. */
  detectedType: string | null;
}

export interface SplitMultipart {
  boundary: string | null;
  parts: RawPart[];
  /** What makes the body malformed, in words; null when it is well-formed. */
  problem: string | null;
  /** Lines end in a bare LF where multipart needs CRLF: a sign the body was rewritten. */
  hasBareLineFeeds: boolean;
}

const MAX_PARTS = 64;

export function splitMultipart(body: Buffer, contentType: string | null): SplitMultipart {
  const boundary = boundaryOf(contentType);
  const result: SplitMultipart = { boundary, parts: [], problem: null, hasBareLineFeeds: false };
  if (!contentType || !/^multipart\/form-data/i.test(contentType.trim())) {
    return { ...result, problem: `the Content-Type is ${contentType ? `"${contentType}"` : "missing"}, not multipart/form-data` };
  }
  if (!boundary) return { ...result, problem: "the Content-Type has no boundary parameter" };
  if (body.length === 0) return { ...result, problem: "the body is empty" };
  const delimiter = Buffer.from(`--${boundary}`, "latin1");
  let at = body.indexOf(delimiter);
  if (at === -1) return { ...result, problem: `the boundary "${boundary}" from the Content-Type does not occur in the body` };

  while (result.parts.length < MAX_PARTS) {
    let cursor = at + delimiter.length;
    if (body.subarray(cursor, cursor + 2).toString("latin1") === "--") return result; // closing delimiter
    const lineEnd = lineBreakAt(body, cursor);
    if (!lineEnd) return { ...result, problem: "the body ends right after a boundary: it looks truncated" };
    if (lineEnd.isBare) result.hasBareLineFeeds = true;
    cursor += lineEnd.length;
    const headerEnd = findHeaderEnd(body, cursor);
    if (!headerEnd) return { ...result, problem: "a part's headers never end (no blank line): the body looks truncated" };
    if (headerEnd.isBare) result.hasBareLineFeeds = true;
    const head = parseHeaders(body.subarray(cursor, headerEnd.at).toString("utf8"));
    const contentStart = headerEnd.at + headerEnd.length;
    const next = findNextDelimiter(body, delimiter, contentStart);
    const data = body.subarray(contentStart, next ? next.at : body.length);
    result.parts.push({
      ...head,
      data,
      size: data.length,
      sha256: createHash("sha256").update(data).digest("hex"),
      detectedType: sniffImageType(data.subarray(0, 16)),
    });
    if (!next) return { ...result, problem: "the closing boundary is missing: the body looks truncated" };
    if (next.isBare) result.hasBareLineFeeds = true;
    at = next.at + next.length - delimiter.length;
  }
  return { ...result, problem: `more than ${MAX_PARTS} parts` };
}

function boundaryOf(contentType: string | null): string | null {
  const match = contentType?.match(/;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i);
  return match ? (match[1] ?? match[2]) : null;
}

function lineBreakAt(body: Buffer, at: number): { length: number; isBare: boolean } | null {
  // Transport padding (spaces or tabs) may follow a delimiter before its line break.
  let cursor = at;
  while (body[cursor] === 0x20 || body[cursor] === 0x09) cursor++;
  if (body[cursor] === 0x0d && body[cursor + 1] === 0x0a) return { length: cursor - at + 2, isBare: false };
  if (body[cursor] === 0x0a) return { length: cursor - at + 1, isBare: true };
  return null;
}

function findHeaderEnd(body: Buffer, from: number): { at: number; length: number; isBare: boolean } | null {
  const crlf = body.indexOf("\r\n\r\n", from, "latin1");
  const lf = body.indexOf("\n\n", from, "latin1");
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { at: crlf, length: 4, isBare: false };
  if (lf !== -1) return { at: lf, length: 2, isBare: true };
  return null;
}

function findNextDelimiter(body: Buffer, delimiter: Buffer, from: number): { at: number; length: number; isBare: boolean } | null {
  for (let at = body.indexOf(delimiter, from); at !== -1; at = body.indexOf(delimiter, at + 1)) {
    if (at >= from + 2 && body[at - 2] === 0x0d && body[at - 1] === 0x0a) return { at: at - 2, length: delimiter.length + 2, isBare: false };
    if (at >= from + 1 && body[at - 1] === 0x0a) return { at: at - 1, length: delimiter.length + 1, isBare: true };
  }
  return null;
}

function parseHeaders(text: string): Pick<RawPart, "name" | "fileName" | "declaredType"> {
  const lines = text.split(/\r?\n/);
  const value = (header: string) =>
    lines
      .find((line) => line.toLowerCase().startsWith(`${header}:`))
      ?.slice(header.length + 1)
      .trim() ?? null;
  const disposition = value("content-disposition") ?? "";
  const parameter = (name: string) =>
    disposition.match(new RegExp(`;\\s*${name}="([^"]*)"`, "i"))?.[1] ?? disposition.match(new RegExp(`;\\s*${name}=([^;\\s]+)`, "i"))?.[1] ?? null;
  return { name: parameter("name"), fileName: parameter("filename"), declaredType: value("content-type") };
}
