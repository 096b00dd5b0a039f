import type { ByteRange } from "../storage/blob-store.ts";

// One `Range: bytes=…` request against a blob of `size` bytes (RFC 9110 §14): a single range,
// `start-end`, `start-` or the suffix `-length`, clamped to the size. Several ranges at once
// (multipart/byteranges) are answered with the whole blob, which the RFC allows; a range that
// starts past the end is unsatisfiable (416). An If-Range that does not match the ETag asks
// for the whole blob.

export function parseRange(header: string | null, size: number, ifRange: string | null, etag: string): ByteRange | "unsatisfiable" | null {
  if (!header || (ifRange !== null && ifRange.trim() !== etag)) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === "" && match[2] === "")) return null; // not one byte range: ignored, as the RFC allows
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}
