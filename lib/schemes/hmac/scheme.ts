import type { Scheme } from "../scheme.ts";
import { diagnoseHmac } from "./diagnose.ts";
import { parseHmacOptions } from "./options.ts";
import { beginHmac } from "./verify.ts";

// The generic `hmac` source kind: the verifier (verify.ts) and its diagnosis (diagnose.ts)
// behind the contract of lib/schemes/scheme.ts; its options are in options.ts.

export const hmacScheme: Scheme = {
  kind: "hmac",
  signatureHeaders: [],
  signatureHeadersFor: (options) => [parseHmacOptions(options).header],
  parseOptions: parseHmacOptions,
  begin: beginHmac,
  dedupeKey(headers, json, options) {
    const parsed = parseHmacOptions(options);
    if (parsed.dedupeHeader) return headers.get(parsed.dedupeHeader)?.trim() || null;
    if (parsed.dedupeJsonField) return readField(json, parsed.dedupeJsonField);
    return null;
  },
  diagnose: diagnoseHmac,
};

function readField(json: unknown, path: string): string | null {
  let value: unknown = json;
  for (const name of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, name)) return null;
    value = (value as Record<string, unknown>)[name];
  }
  if (typeof value === "string" && value !== "") return value;
  return typeof value === "number" && Number.isFinite(value) ? String(value) : null;
}
