// Strict readers for the two encodings signatures and secrets come in. Node's own
// Buffer.from(text, "base64") skips characters it does not know, which would let a mangled
// signature decode to something; these refuse instead, so "malformed" means malformed.

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export function decodeHex(text: string): Buffer | null {
  return HEX.test(text) ? Buffer.from(text, "hex") : null;
}

/** Standard base64 with its padding; `urlSafe` also takes base64url with or without padding. */
export function decodeBase64(text: string, urlSafe = false): Buffer | null {
  if (text === "") return null;
  if (BASE64.test(text)) return Buffer.from(text, "base64");
  if (urlSafe && BASE64URL.test(text) && text.replace(/=+$/, "").length % 4 !== 1) return Buffer.from(text, "base64url");
  return null;
}

export function isHex(text: string): boolean {
  return HEX.test(text);
}
