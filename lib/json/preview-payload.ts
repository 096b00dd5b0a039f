import { InvalidJsonError, parseJsonPreservingOrder, type JsonNode } from "./json-tree.ts";
import { serializeWithLayout } from "./json-layouts.ts";

// A readable look at a JSON body, which may be large and (quarantined) untrusted: pretty
// printed with its keys in the order received and its number literals as written (`1.0` stays
// `1.0`; the stored jsonb payload keeps neither), long strings (base64 images, mostly)
// shortened, the whole cut at a size a page can hold. A body that is not JSON is shown as the
// start of its text.

const MAX_STRING = 160;
const MAX_PREVIEW = 20_000;
const PRETTY = { indent: 2, sortKeys: false, escape: "utf8", separators: "tight" } as const;

export function previewPayload(rawBody: Buffer): string | null {
  if (rawBody.length === 0) return null;
  let text: string;
  try {
    text = serializeWithLayout(shortenStrings(parseJsonPreservingOrder(rawBody)), PRETTY);
  } catch (error) {
    if (!(error instanceof InvalidJsonError)) throw error;
    text = rawBody.subarray(0, MAX_PREVIEW).toString("utf8");
  }
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW)}\n… (cut: ${text.length - MAX_PREVIEW} more characters)` : text;
}

function shortenStrings(node: JsonNode): JsonNode {
  switch (node.kind) {
    case "object":
      return { kind: "object", entries: node.entries.map(([key, value]) => [key, shortenStrings(value)]) };
    case "array":
      return { kind: "array", items: node.items.map(shortenStrings) };
    case "string":
      return node.value.length > MAX_STRING ? { kind: "string", value: `${node.value.slice(0, 60)}… (${node.value.length} characters)` } : node;
    default:
      return node;
  }
}
