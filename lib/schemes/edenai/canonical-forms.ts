import { parseJsonPreservingOrder, type JsonNode } from "../../json/json-tree.ts";
import { serializeWithLayout, type JsonLayout } from "../../json/json-layouts.ts";

// The bytes Eden AI may have hashed and signed. Its docs have described the payload three ways
// (orjson with sorted keys; Python json.dumps with indent=2; Node JSON.stringify with indent 2)
// and the body on the wire need not be any of them, so the receiver rebuilds each candidate from
// the parsed body and tries them all. All three share the layout (2-space indent, `": "`, a
// newline after each `,`, `{}` and `[]` when empty); they differ in key order and string escaping.
// Number literals are copied as written in the body in every form.

export { InvalidJsonError, parseJsonPreservingOrder, toPlainJson, type JsonNode } from "../../json/json-tree.ts";

export type CanonicalForm = "sorted-utf8" | "python-json-dumps" | "js-json-stringify" | "raw-body";

/** In the order they are tried; shown to operators next to a delivery's signature result. */
export const CANONICAL_FORM_DESCRIPTIONS: Readonly<Record<CanonicalForm, string>> = {
  "sorted-utf8": "keys sorted by code point, 2-space indent, strings as raw UTF-8 (orjson)",
  "python-json-dumps": "Python json.dumps(payload, indent=2): body key order, non-ASCII as \\uXXXX",
  "js-json-stringify": "JavaScript JSON.stringify(payload, null, 2), body key order",
  "raw-body": "the raw body bytes as received",
};

export interface CanonicalCandidate {
  form: CanonicalForm;
  bytes: Buffer;
}

/**
 * Every candidate for a body, in the order of CanonicalForm. Throws InvalidJsonError when the body
 * is not JSON: such a delivery is refused as malformed even if its raw bytes carry a valid
 * signature. `sorted-utf8` is left out when a string holds a lone surrogate (`"\ud800"`), which
 * orjson refuses to serialize; encoding it as U+FFFD would make two different values sign alike.
 */
export function canonicalForms(rawBody: Buffer): CanonicalCandidate[] {
  return [...lazyCanonicalForms(rawBody)];
}

/**
 * The same, parsed now but serialized one form at a time: a verifier that stops at the first
 * match skips re-serializing a large body it does not need to.
 */
export function lazyCanonicalForms(rawBody: Buffer, parsed?: JsonNode): Iterable<CanonicalCandidate> {
  const tree = parsed ?? parseJsonPreservingOrder(rawBody);
  return (function* () {
    const sorted = serializeCanonical(tree, "sorted-utf8");
    if (sorted.isWellFormed()) yield { form: "sorted-utf8", bytes: Buffer.from(sorted, "utf8") };
    yield { form: "python-json-dumps", bytes: Buffer.from(serializeCanonical(tree, "python-json-dumps"), "utf8") };
    yield { form: "js-json-stringify", bytes: Buffer.from(serializeCanonical(tree, "js-json-stringify"), "utf8") };
    yield { form: "raw-body", bytes: rawBody };
  })();
}

/**
 * One candidate as text (encode as UTF-8 to sign it). For `sorted-utf8` a lone surrogate is
 * written raw, so the result is then not well-formed and cannot be encoded faithfully.
 */
export function serializeCanonical(tree: JsonNode, form: Exclude<CanonicalForm, "raw-body">): string {
  return serializeWithLayout(tree, CANONICAL_LAYOUTS[form]);
}

const CANONICAL_LAYOUTS: Record<Exclude<CanonicalForm, "raw-body">, JsonLayout> = {
  "sorted-utf8": { indent: 2, sortKeys: true, escape: "utf8", separators: "python" },
  "python-json-dumps": { indent: 2, sortKeys: false, escape: "ascii", separators: "python" },
  "js-json-stringify": { indent: 2, sortKeys: false, escape: "js", separators: "python" },
};
