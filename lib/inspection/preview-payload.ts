import { InvalidJsonError, parseJsonPreservingOrder, toPlainJson } from "../signatures/edenai-canonical.ts";

// A readable look at a quarantined JSON body, which is not trusted and may be large: pretty
// printed, long strings (base64 images, mostly) shortened, the whole cut at a size a page can
// hold. A body that is not JSON is shown as the start of its text.

const MAX_STRING = 160;
const MAX_PREVIEW = 20_000;

export function previewPayload(rawBody: Buffer): string | null {
  if (rawBody.length === 0) return null;
  let text: string;
  try {
    const plain = toPlainJson(parseJsonPreservingOrder(rawBody));
    text = JSON.stringify(plain, (_key, value) => (typeof value === "string" && value.length > MAX_STRING ? `${value.slice(0, 60)}… (${value.length} characters)` : value), 2);
  } catch (error) {
    if (!(error instanceof InvalidJsonError)) throw error;
    text = rawBody.subarray(0, MAX_PREVIEW).toString("utf8");
  }
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW)}\n… (cut: ${text.length - MAX_PREVIEW} more characters)` : text;
}
