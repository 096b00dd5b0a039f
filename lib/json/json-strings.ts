// How each JSON serializer Eden AI's docs name writes strings and orders keys, for the one
// serializer (json-layouts.ts) that writes the receiver's canonical forms, the diagnosis's
// other layouts and the inspector's preview, so that all escape exactly alike.

export type JsonEscape = "utf8" | "ascii" | "js";

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function quoter(mustEscape: RegExp): (value: string) => string {
  const escapeChar = (char: string): string => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  // Most strings need no escaping: a non-global test is much cheaper than a replace.
  const needsEscape = new RegExp(mustEscape.source);
  return (value) => (needsEscape.test(value) ? `"${value.replace(mustEscape, escapeChar)}"` : `"${value}"`);
}

/** A JSON string literal for `value`, escaped as each serializer escapes; everything else is written as is. */
export const JSON_QUOTERS: Readonly<Record<JsonEscape, (value: string) => string>> = {
  // orjson: only the quote, the backslash and C0 controls; DEL and U+2028 stay raw.
  utf8: quoter(/["\\\u0000-\u001f]/g),
  // Python's ensure_ascii: anything outside space..tilde (DEL too), per UTF-16 code unit, so an
  // astral character becomes its surrogate pair and a lone surrogate its own \udXXX.
  ascii: quoter(/["\\\u0000-\u001f\u007f-\uffff]/g),
  // Well-formed JSON.stringify (ES2019): C0 controls and lone surrogates only; not `/`, not U+2028.
  js: quoter(/["\\\u0000-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g),
};

/** Python and orjson order str keys by code point; JS `<` compares UTF-16 units, which puts 😀 before U+E000. */
export function compareCodePoints(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
