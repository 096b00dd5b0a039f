import { decodeBase64 } from "../common/encodings.ts";

// `webhook-signature` is a space-separated list of `<version>,<base64>`: `v1` an HMAC-SHA256,
// `v1a` an ed25519 signature. Several entries come during a secret rotation; versions this
// receiver does not know are skipped, as the reference libraries do.

export interface SignatureEntry {
  version: string;
  /** As written, for diagnosis. */
  text: string;
  /** Decoded from base64; null when it is not base64. */
  bytes: Buffer | null;
}

/** The entries, or null when no part of the header has the `<version>,<signature>` shape. */
export function parseSignatureHeader(header: string): SignatureEntry[] | null {
  const entries: SignatureEntry[] = [];
  for (const token of header.trim().split(/\s+/)) {
    const comma = token.indexOf(",");
    if (comma <= 0) continue;
    const text = token.slice(comma + 1);
    entries.push({ version: token.slice(0, comma), text, bytes: decodeBase64(text) });
  }
  return entries.length > 0 ? entries : null;
}

export function formatSignatureHeader(entries: ReadonlyArray<{ version: string; text: string }>): string {
  return entries.map(({ version, text }) => `${version},${text}`).join(" ");
}
