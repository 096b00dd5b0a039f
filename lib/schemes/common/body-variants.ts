// The ways a body is known to change between the sender's signing code and this server, as
// bytes to run a scheme's own accept over: the MaskIt inspector's list (a trailing newline,
// line endings), plus a JSON body parsed and written out again, which is how a framework's body
// parser in front of the signing code (or in a proxy) breaks signatures.

export type BodyVariantCode = "trailing_newline_added" | "trailing_crlf_added" | "trailing_newline_removed" | "crlf_to_lf" | "lf_to_crlf" | "json_reserialized";

export interface BodyVariant {
  code: BodyVariantCode;
  body: Buffer;
  /** For json_reserialized: which serializer, e.g. "JSON.stringify(payload)". */
  layout?: string;
}

/** Rewrites are skipped above this size: diagnosis must stay quick on a large body. */
export const MAX_REWRITE_BYTES = 16 * 1024 * 1024;

export function bodyVariants(body: Buffer): BodyVariant[] {
  if (body.length > MAX_REWRITE_BYTES) return [];
  const variants: BodyVariant[] = lineEndingVariants(body);
  for (const { layout, text } of jsonLayouts(body)) {
    const bytes = Buffer.from(text, "utf8");
    // A layout that only repeats another variant's bytes (the LF form of a CRLF body) would be the same finding twice.
    if (!bytes.equals(body) && !variants.some((variant) => variant.body.equals(bytes))) variants.push({ code: "json_reserialized", body: bytes, layout });
  }
  return variants;
}

export type LineEndingVariantCode = Exclude<BodyVariantCode, "json_reserialized">;

/** A trailing newline added or lost, line endings converted either way: the variants that differ from `body`, in the order tried. */
export function lineEndingVariants(body: Buffer): Array<{ code: LineEndingVariantCode; body: Buffer }> {
  const variants: Array<{ code: LineEndingVariantCode; body: Buffer }> = [
    { code: "trailing_newline_added", body: Buffer.concat([body, Buffer.from("\n")]) },
    { code: "trailing_crlf_added", body: Buffer.concat([body, Buffer.from("\r\n")]) },
  ];
  if (body.at(-1) === 0x0a) variants.push({ code: "trailing_newline_removed", body: body.subarray(0, body.length - (body.at(-2) === 0x0d ? 2 : 1)) });
  const latin1 = body.toString("latin1");
  if (latin1.includes("\r\n")) variants.push({ code: "crlf_to_lf", body: Buffer.from(latin1.replaceAll("\r\n", "\n"), "latin1") });
  if (/(?<!\r)\n/.test(latin1)) variants.push({ code: "lf_to_crlf", body: Buffer.from(latin1.replace(/(?<!\r)\n/g, "\r\n"), "latin1") });
  return variants;
}

/**
 * The body as the serializers senders use would write it. JSON.parse loses number literals
 * past 2^53 and reorders integer-like keys; that is acceptable here, because a match proves the
 * hypothesis and a miss only means this layout was not it.
 */
function jsonLayouts(body: Buffer): Array<{ layout: string; text: string }> {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString("utf8"));
  } catch {
    return [];
  }
  if (payload === null || typeof payload !== "object") return [];
  return [
    { layout: "JSON.stringify(payload)", text: JSON.stringify(payload) },
    { layout: "JSON.stringify(payload, null, 2)", text: JSON.stringify(payload, null, 2) },
    { layout: "Python json.dumps(payload)", text: pythonDumps(payload) },
  ];
}

/** Python's json.dumps defaults: `, ` and `: ` separators, non-ASCII escaped as \uXXXX. */
function pythonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([key, item]) => `${asciiQuote(key)}: ${pythonDumps(item)}`)
      .join(", ")}}`;
  }
  if (typeof value === "string") return asciiQuote(value);
  return JSON.stringify(value);
}

function asciiQuote(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
