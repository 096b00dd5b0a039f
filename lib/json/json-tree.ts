// A strict RFC 8259 parser that keeps what JSON.parse throws away: the body's key order
// (JSON.parse moves integer-like keys such as "10" and "2" first), duplicate keys, and number
// literals byte for byte (`1.0`, `-0.0`, `1e-05`, a 20-digit integer). The Eden AI check
// re-serializes the body, and any such loss would turn a genuine signature into a mismatch.
//
// Duplicate keys are kept, in body order. A Python sender cannot produce them (its payload is a
// dict), so a body with a duplicate only ever verifies through the raw-body form; collapsing
// them instead would let anyone append `"job_id": "other"` to a signed body and still verify.

export type JsonNode =
  | { kind: "object"; entries: Array<[key: string, value: JsonNode]> }
  | { kind: "array"; items: JsonNode[] }
  | { kind: "string"; value: string }
  | { kind: "number"; literal: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" };

/** The body is not JSON (or not UTF-8); `offset` is the byte offset in the raw body. */
export class InvalidJsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "InvalidJsonError";
  }
}

// Deeper than Python's default recursion limit is not something Eden AI sends, and recursing
// without a bound would answer a hostile body with a stack overflow instead of a 400.
const MAX_DEPTH = 1000;

export function parseJsonPreservingOrder(rawBody: Buffer | string): JsonNode {
  const parser = new Parser(typeof rawBody === "string" ? rawBody : decodeUtf8(rawBody));
  const value = parser.value(0);
  parser.skipWhitespace();
  if (parser.pos < parser.text.length) parser.fail("unexpected data after the JSON value");
  return value;
}

/** Plain JS values for display: numbers through Number(), duplicate keys last-wins as JSON.parse. */
export function toPlainJson(node: JsonNode): unknown {
  switch (node.kind) {
    case "object":
      // fromEntries defines own properties, so a "__proto__" key stays an ordinary key.
      return Object.fromEntries(node.entries.map(([key, value]) => [key, toPlainJson(value)]));
    case "array":
      return node.items.map(toPlainJson);
    case "number":
      return Number(node.literal);
    case "null":
      return null;
    default:
      return node.value;
  }
}

// Sticky patterns: each matches exactly at `lastIndex` or not at all.
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const STRING_SPECIAL = /["\\\u0000-\u001f]/g;
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  value(depth: number): JsonNode {
    this.skipWhitespace();
    const char = this.text[this.pos];
    if (char === "{" || char === "[") {
      if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
      return char === "{" ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (char === '"') return { kind: "string", value: this.string() };
    if (char === "-" || (char >= "0" && char <= "9")) return { kind: "number", literal: this.number() };
    for (const [word, node] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { ...node };
      }
    }
    return this.fail(`${this.found()}, expected a value`);
  }

  object(depth: number): JsonNode {
    const entries: Array<[string, JsonNode]> = [];
    this.pos++; // {
    this.skipWhitespace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return { kind: "object", entries };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail(`${this.found()}, expected a string key`);
      const key = this.string();
      this.skipWhitespace();
      this.expect(":");
      entries.push([key, this.value(depth)]);
      if (this.endOfList("}")) return { kind: "object", entries };
    }
  }

  array(depth: number): JsonNode {
    const items: JsonNode[] = [];
    this.pos++; // [
    this.skipWhitespace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return { kind: "array", items };
    }
    do items.push(this.value(depth));
    while (!this.endOfList("]"));
    return { kind: "array", items };
  }

  /** After a member: true on the closing bracket, false on a comma (which must not trail). */
  endOfList(close: "}" | "]"): boolean {
    this.skipWhitespace();
    const char = this.text[this.pos];
    if (char === close) {
      this.pos++;
      return true;
    }
    if (char !== ",") this.fail(`${this.found()}, expected ',' or '${close}'`);
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === close) this.fail("trailing comma");
    return false;
  }

  string(): string {
    const open = this.pos++;
    let decoded = "";
    for (;;) {
      STRING_SPECIAL.lastIndex = this.pos;
      const special = STRING_SPECIAL.exec(this.text);
      if (!special) {
        this.pos = open;
        return this.fail("unterminated string");
      }
      decoded += this.text.slice(this.pos, special.index);
      this.pos = special.index;
      if (special[0] === '"') {
        this.pos++;
        return decoded;
      }
      if (special[0] !== "\\") this.fail(`unescaped control character ${describe(special[0].charCodeAt(0))} in a string`);
      decoded += this.escape();
    }
  }

  /** One escape sequence; a \uXXXX half of a surrogate pair stays a lone UTF-16 code unit. */
  escape(): string {
    const letter = this.text[this.pos + 1];
    if (letter === "u") {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape, expected four hexadecimal digits");
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const simple = letter === undefined ? undefined : SIMPLE_ESCAPES[letter];
    if (simple === undefined) this.fail(`invalid escape \\${letter ?? ""}`);
    this.pos += 2;
    return simple;
  }

  number(): string {
    NUMBER.lastIndex = this.pos;
    const literal = NUMBER.exec(this.text)?.[0];
    const next = this.text[this.pos + (literal?.length ?? 0)];
    // "01", "1.", "1e", "-" and "1.5.2" all stop the pattern short of a digit, dot, sign or exponent.
    if (!literal || /[0-9.eE+-]/.test(next ?? "")) this.fail("invalid number");
    this.pos += literal.length;
    return literal;
  }

  expect(char: string): void {
    if (this.text[this.pos] !== char) this.fail(`${this.found()}, expected '${char}'`);
    this.pos++;
  }

  skipWhitespace(): void {
    for (let code = this.text.charCodeAt(this.pos); code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d; ) {
      code = this.text.charCodeAt(++this.pos);
    }
  }

  found(): string {
    const code = this.text.codePointAt(this.pos);
    return code === undefined ? "unexpected end of input" : `unexpected ${describe(code)}`;
  }

  fail(reason: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split("\n").length;
    const column = this.pos - before.lastIndexOf("\n");
    const offset = Buffer.byteLength(before, "utf8");
    throw new InvalidJsonError(`invalid JSON: ${reason} at line ${line}, column ${column} (byte ${offset})`, offset);
  }
}

const LITERALS: Array<[string, JsonNode]> = [
  ["true", { kind: "boolean", value: true }],
  ["false", { kind: "boolean", value: false }],
  ["null", { kind: "null" }],
];

function describe(codePoint: number): string {
  if (codePoint > 0x20 && codePoint < 0x7f) return JSON.stringify(String.fromCharCode(codePoint));
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}

// ignoreBOM keeps a leading U+FEFF in the text, so the parser refuses it like any stray character.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Byte(bytes);
    throw new InvalidJsonError(`invalid JSON: the body is not valid UTF-8 (byte ${offset})`, offset);
  }
}

/** Offset where the first ill-formed sequence starts (overlong forms and surrogates included). */
function firstInvalidUtf8Byte(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i];
    let length = 1;
    let low = 0x80;
    let high = 0xbf;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) [length, low, high] = [3, lead === 0xe0 ? 0xa0 : 0x80, lead === 0xed ? 0x9f : 0xbf];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, low, high] = [4, lead === 0xf0 ? 0x90 : 0x80, lead === 0xf4 ? 0x8f : 0xbf];
    else return i;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      if (byte === undefined || byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return bytes.length;
}
