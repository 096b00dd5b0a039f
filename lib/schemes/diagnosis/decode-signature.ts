// Reads a signature header the way a lenient human would, to say what is wrong with it: the
// receiver accepts only bare hex (any case, surrounding whitespace ignored); senders also send
// base64, a `sha256=` prefix, or a digest of another length.

export interface DecodedSignature {
  /** The value as received. */
  received: string;
  /** The value the bytes were read from: trimmed, inner whitespace and any prefix removed. */
  cleaned: string;
  encoding: "hex" | "base64" | "unreadable";
  /** Null when nothing sensible decodes (unreadable, or an odd number of hex digits). */
  bytes: Buffer | null;
  /** A scheme prefix such as `sha256=` that the receiver does not expect. */
  prefix: string | null;
  hasOuterWhitespace: boolean;
  hasInnerWhitespace: boolean;
  hasUppercase: boolean;
}

const PREFIX = /^(sha-?256|hmac-?sha-?256|sha-?1|sha-?512|v1|hmac)\s*[=:]\s*/i;
const HEX_DIGITS = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
// Short words are base64 by their letters alone ("hello" would be 3 bytes): only a value as
// long as the shortest digest a sender could mean (SHA-1, 20 bytes) is read as base64, and
// one character past a multiple of four is no base64 at all.
const MIN_BASE64_DIGEST_BYTES = 20;

export function decodeSignature(received: string): DecodedSignature {
  const trimmed = received.trim();
  const hasInnerWhitespace = /\s/.test(trimmed);
  let cleaned = trimmed.replace(/\s+/g, "");
  const prefix = cleaned.match(PREFIX)?.[0] ?? null;
  if (prefix) cleaned = cleaned.slice(prefix.length);
  const base = { received, cleaned, prefix, hasOuterWhitespace: trimmed !== received, hasInnerWhitespace };
  if (HEX_DIGITS.test(cleaned)) {
    return {
      ...base,
      encoding: "hex",
      bytes: cleaned.length % 2 === 0 ? Buffer.from(cleaned, "hex") : null,
      hasUppercase: /[A-F]/.test(cleaned),
    };
  }
  if (BASE64.test(cleaned) && cleaned.replace(/=+$/, "").length % 4 !== 1) {
    // Node's base64 decoder reads both alphabets (+/ and -_), padded or not.
    const bytes = Buffer.from(cleaned, "base64");
    if (bytes.length >= MIN_BASE64_DIGEST_BYTES) return { ...base, encoding: "base64", bytes, hasUppercase: false };
  }
  return { ...base, encoding: "unreadable", bytes: null, hasUppercase: false };
}

/** `64 hexadecimal characters (32 bytes)`, for findings. */
export function describeLength(decoded: DecodedSignature): string {
  if (decoded.encoding === "hex") return `${decoded.cleaned.length} hexadecimal characters${decoded.bytes ? ` (${decoded.bytes.length} bytes)` : ""}`;
  if (decoded.encoding === "base64") return `${decoded.cleaned.length} base64 characters (${decoded.bytes?.length ?? 0} bytes)`;
  return `${decoded.cleaned.length} characters`;
}
