import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { canonicalForms, InvalidJsonError, parseJsonPreservingOrder, serializeCanonical, toPlainJson, type CanonicalForm } from "./canonical-forms.ts";

// The candidate payloads, byte for byte. Where Python can produce the expectation (its int and
// float repr equal the literal, no duplicate keys) it does, from the same bytes on stdin; the
// JavaScript form is checked against JSON.stringify(JSON.parse(x), null, 2) where that keeps key
// order and literals, and by hand where it does not.

// Each is an expression of `b`, the body's bytes, giving the bytes Python writes for it.
const PY_DUMPS = "json.dumps(json.loads(b), indent=2).encode()";
const PY_SORTED = "json.dumps(json.loads(b), indent=2, sort_keys=True, ensure_ascii=False).encode()";
const ORJSON = "orjson.dumps(orjson.loads(b), option=orjson.OPT_SORT_KEYS|orjson.OPT_INDENT_2)";

const NESTED =
  '{"job_id":"j1","status":"finished","results":{"items":[{"label":"cat","score":0.98},{"label":"dog","score":0.5}],"meta":{"a":[1,[2,[]]],"b":{}}},"empty_list":[],"empty_obj":{},"flag":true,"none":null,"neg":-3}';
const INTEGER_KEYS = '{"10":"x","2":"y","a":"z","1":"w"}';
const NON_ASCII = '{"name":"café 日本 😀","日本":"é","emoji😀":["😀"]}';
const CONTROLS = '{"c":"a\\u0001b\\nc\\td\\u001f\\u007f\\"q\\\\ \\b\\f\\r"}';
const NUMBERS = '{"a":1.0,"b":-0.0,"c":1e-05,"d":1e+16,"e":12345678901234567890,"f":[0,-1,3.14]}';
const SLASH_AND_LS = '{"url":"https:\\/\\/x.test\\/a","sep":"a\\u2028b","raw_ls":"c\u2028d"}';
const CODE_POINT_KEYS = '{"\\ue000":1,"😀":2,"b":3,"B":4}';
const EMPTIES = ["{}", "[]", "[{},[]]", '{"a":{},"b":[]}', "[[[]]]"];

const PYTHON_CASES: Array<[name: string, body: string]> = [
  ["nested objects and arrays", NESTED],
  ["integer-like keys", INTEGER_KEYS],
  ["non-ASCII and astral characters", NON_ASCII],
  ["control characters", CONTROLS],
  ["number literals Python writes the same", NUMBERS],
  ["an escaped slash and U+2028", SLASH_AND_LS],
  ["keys past the BMP", CODE_POINT_KEYS],
  ...EMPTIES.map((body): [string, string] => [`empty containers ${body}`, body]),
];

const LONE_SURROGATES = '{"s":"\\ud800x","t":"\\udc00"}';

/**
 * What Python writes for each body, from one python3 process per expression rather than one per
 * case (a python3 start costs more than every case together): bodies go in as a JSON list of
 * base64 strings and come back the same way.
 */
function pythonForEach(expression: string, bodies: string[]): Map<string, string> {
  const script = `import base64,json,sys\ntry:\n  import orjson\nexcept ImportError:\n  pass\nout=[]\nfor s in json.load(sys.stdin):\n  b=base64.b64decode(s)\n  out.append(base64.b64encode(${expression}).decode())\njson.dump(out,sys.stdout)`;
  const input = JSON.stringify(bodies.map((body) => Buffer.from(body, "utf8").toString("base64")));
  const outputs = JSON.parse(execFileSync("python3", ["-c", script], { input }).toString("utf8")) as string[];
  return new Map(bodies.map((body, index) => [body, Buffer.from(outputs[index], "base64").toString("utf8")]));
}

function form(body: string | Buffer, name: CanonicalForm): string | undefined {
  return canonicalForms(Buffer.from(body))
    .find((candidate) => candidate.form === name)
    ?.bytes.toString("utf8");
}

function invalid(body: string | Buffer): InvalidJsonError {
  try {
    parseJsonPreservingOrder(Buffer.from(body));
  } catch (error) {
    if (error instanceof InvalidJsonError) return error;
    throw error;
  }
  throw new Error("expected an InvalidJsonError");
}

const hasOrjson = (() => {
  try {
    execFileSync("python3", ["-c", "import orjson"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const PYTHON_BODIES = PYTHON_CASES.map(([, body]) => body);
const pythonDumps = pythonForEach(PY_DUMPS, [...PYTHON_BODIES, LONE_SURROGATES]);
const pythonSorted = pythonForEach(PY_SORTED, PYTHON_BODIES);
const orjsonSorted = hasOrjson
  ? pythonForEach(
      ORJSON,
      PYTHON_BODIES.filter((body) => body !== NUMBERS),
    )
  : new Map<string, string>();

describe("edenai canonical forms", () => {
  it("lists every form in the order tried, the raw body last and unchanged", () => {
    const body = Buffer.from(' {"b": 1,\n "a": [true, false, null]} \r\n');
    const forms = canonicalForms(body);
    expect(forms.map(({ form }) => form)).toEqual(["sorted-utf8", "python-json-dumps", "js-json-stringify", "raw-body"]);
    expect(forms[3].bytes.equals(body)).toBe(true);
    expect(forms[0].bytes.toString()).toBe('{\n  "a": [\n    true,\n    false,\n    null\n  ],\n  "b": 1\n}');
  });

  it.each(PYTHON_CASES)("python-json-dumps equals Python json.dumps(indent=2) for %s", (_name, body) => {
    expect(form(body, "python-json-dumps")).toBe(pythonDumps.get(body));
  });

  it.each(PYTHON_CASES)("sorted-utf8 equals Python json.dumps(sort_keys, ensure_ascii=False) for %s", (_name, body) => {
    expect(form(body, "sorted-utf8")).toBe(pythonSorted.get(body));
  });

  it.runIf(hasOrjson).each(PYTHON_CASES.filter(([, body]) => body !== NUMBERS))(
    "sorted-utf8 equals orjson OPT_SORT_KEYS|OPT_INDENT_2 for %s",
    (_name, body) => {
      expect(form(body, "sorted-utf8")).toBe(orjsonSorted.get(body));
    },
  );

  it.each([NESTED, NON_ASCII, CONTROLS, SLASH_AND_LS, CODE_POINT_KEYS, ...EMPTIES])(
    "js-json-stringify equals JSON.stringify(JSON.parse(x), null, 2) for %s",
    (body) => {
      expect(form(body, "js-json-stringify")).toBe(JSON.stringify(JSON.parse(body), null, 2));
    },
  );

  it("keeps the body's order of integer-like keys in the JS and Python forms, sorts them as strings in sorted-utf8", () => {
    expect(form(INTEGER_KEYS, "js-json-stringify")).toBe('{\n  "10": "x",\n  "2": "y",\n  "a": "z",\n  "1": "w"\n}');
    expect(form(INTEGER_KEYS, "python-json-dumps")).toBe('{\n  "10": "x",\n  "2": "y",\n  "a": "z",\n  "1": "w"\n}');
    expect(form(INTEGER_KEYS, "sorted-utf8")).toBe('{\n  "1": "w",\n  "10": "x",\n  "2": "y",\n  "a": "z"\n}');
    // What JSON.parse would have done, and why the module parses the body itself.
    expect(JSON.stringify(JSON.parse(INTEGER_KEYS), null, 2)).toBe('{\n  "1": "w",\n  "2": "y",\n  "10": "x",\n  "a": "z"\n}');
  });

  it("writes non-ASCII as \\uXXXX in the Python form (astral as a surrogate pair) and raw UTF-8 elsewhere", () => {
    const body = '{"s":"é日本😀"}';
    expect(form(body, "python-json-dumps")).toBe('{\n  "s": "\\u00e9\\u65e5\\u672c\\ud83d\\ude00"\n}');
    expect(form(body, "sorted-utf8")).toBe('{\n  "s": "é日本😀"\n}');
    expect(form(body, "js-json-stringify")).toBe('{\n  "s": "é日本😀"\n}');
  });

  it("escapes control characters the way each serializer does", () => {
    const body = '["\\u0001\\n\\t\\u007f"]';
    expect(form(body, "sorted-utf8")).toBe('[\n  "\\u0001\\n\\t\x7f"\n]');
    expect(form(body, "python-json-dumps")).toBe('[\n  "\\u0001\\n\\t\\u007f"\n]');
    expect(form(body, "js-json-stringify")).toBe('[\n  "\\u0001\\n\\t\x7f"\n]');
  });

  it("keeps number literals byte for byte in every form", () => {
    const body = '{"a":1.0,"b":-0.0,"c":1e-05,"d":1e+16,"e":1E+16,"f":12345678901234567890}';
    const expected = '{\n  "a": 1.0,\n  "b": -0.0,\n  "c": 1e-05,\n  "d": 1e+16,\n  "e": 1E+16,\n  "f": 12345678901234567890\n}';
    expect(form(body, "sorted-utf8")).toBe(expected);
    expect(form(body, "python-json-dumps")).toBe(expected);
    expect(form(body, "js-json-stringify")).toBe(expected);
    expect(JSON.stringify(JSON.parse(body), null, 2)).not.toBe(expected);
  });

  it("unescapes \\/ and writes / plainly; keeps U+2028 raw except in the Python form", () => {
    expect(form(SLASH_AND_LS, "js-json-stringify")).toBe('{\n  "url": "https://x.test/a",\n  "sep": "a\u2028b",\n  "raw_ls": "c\u2028d"\n}');
    expect(form(SLASH_AND_LS, "python-json-dumps")).toBe('{\n  "url": "https://x.test/a",\n  "sep": "a\\u2028b",\n  "raw_ls": "c\\u2028d"\n}');
  });

  it("sorts keys by code point, not by UTF-16 unit", () => {
    expect(form(CODE_POINT_KEYS, "sorted-utf8")).toBe('{\n  "B": 4,\n  "b": 3,\n  "\ue000": 1,\n  "😀": 2\n}');
  });

  it("leaves sorted-utf8 out for a lone surrogate, which orjson cannot encode; escapes it as \\udXXX elsewhere", () => {
    const body = LONE_SURROGATES;
    expect(canonicalForms(Buffer.from(body)).map(({ form }) => form)).toEqual(["python-json-dumps", "js-json-stringify", "raw-body"]);
    expect(form(body, "python-json-dumps")).toBe(pythonDumps.get(body));
    expect(form(body, "js-json-stringify")).toBe(JSON.stringify(JSON.parse(body), null, 2));
    expect(form(body, "js-json-stringify")).toBe('{\n  "s": "\\ud800x",\n  "t": "\\udc00"\n}');
  });

  it("joins an escaped surrogate pair into one character", () => {
    expect(form('["\\ud83d\\ude00"]', "sorted-utf8")).toBe('[\n  "😀"\n]');
  });

  it("gives the same forms for a compact and a pretty-printed body", () => {
    const pretty = JSON.stringify(JSON.parse(NESTED), null, 4).replace(/\n/g, "\r\n");
    const strip = (body: string) =>
      canonicalForms(Buffer.from(body))
        .slice(0, 3)
        .map(({ bytes }) => bytes.toString());
    expect(strip(pretty)).toEqual(strip(NESTED));
  });

  it("keeps duplicate keys in body order in every form, so a key appended after signing shows", () => {
    const body = '{"job_id":"a","x":1,"job_id":"b"}';
    expect(form(body, "python-json-dumps")).toBe('{\n  "job_id": "a",\n  "x": 1,\n  "job_id": "b"\n}');
    expect(form(body, "sorted-utf8")).toBe('{\n  "job_id": "a",\n  "job_id": "b",\n  "x": 1\n}');
  });

  it("serializes a tree directly for a sender", () => {
    const tree = parseJsonPreservingOrder('{"b":[1.50],"a":"é"}');
    expect(serializeCanonical(tree, "sorted-utf8")).toBe('{\n  "a": "é",\n  "b": [\n    1.50\n  ]\n}');
  });
});

describe("parseJsonPreservingOrder", () => {
  it("returns entries in body order and numbers as their literal", () => {
    expect(parseJsonPreservingOrder(Buffer.from('{"2":[1.0,"s"],"1":{"t":true,"n":null}}'))).toEqual({
      kind: "object",
      entries: [
        [
          "2",
          {
            kind: "array",
            items: [
              { kind: "number", literal: "1.0" },
              { kind: "string", value: "s" },
            ],
          },
        ],
        [
          "1",
          {
            kind: "object",
            entries: [
              ["t", { kind: "boolean", value: true }],
              ["n", { kind: "null" }],
            ],
          },
        ],
      ],
    });
  });

  it("accepts a top-level scalar and surrounding JSON whitespace", () => {
    expect(parseJsonPreservingOrder(" \t\r\n-12.5e3 \n")).toEqual({ kind: "number", literal: "-12.5e3" });
    expect(parseJsonPreservingOrder('"x"')).toEqual({ kind: "string", value: "x" });
  });

  it("converts to plain values with Number(), last duplicate winning, __proto__ as an ordinary key", () => {
    const plain = toPlainJson(parseJsonPreservingOrder('{"a":1.0,"big":12345678901234567890,"a":2,"__proto__":{"x":1},"l":[null,false]}'));
    expect(plain).toEqual({ a: 2, big: 12345678901234567000, ["__proto__"]: { x: 1 }, l: [null, false] });
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.keys(plain as object)).toEqual(["a", "big", "__proto__", "l"]);
  });

  it.each([
    ["a trailing comma in an object", '{"a":1,}'],
    ["a trailing comma in an array", "[1,2,]"],
    ["single quotes", "{'a':1}"],
    ["a lone minus", "-"],
    ["a leading zero", "01"],
    ["a leading zero in an array", "[-01]"],
    ["a bare fraction", ".5"],
    ["a trailing dot", "1."],
    ["a plus sign", "+1"],
    ["an empty exponent", "1e"],
    ["NaN", "NaN"],
    ["Infinity", "[Infinity]"],
    ["trailing garbage", '{"a":1} x'],
    ["two values", "{} {}"],
    ["a block comment", '{"a":1 /* c */}'],
    ["a line comment", '{"a":1}\n// c'],
    ["an invalid escape", '["\\x41"]'],
    ["a short \\u escape", '["\\u12"]'],
    ["a raw control character in a string", '["a\tb"]'],
    ["an unterminated string", '{"a":"b'],
    ["an unquoted key", "{a:1}"],
    ["a missing colon", '{"a" 1}'],
    ["a missing comma", "[1 2]"],
    ["an empty body", ""],
    ["whitespace only", " \n"],
    ["a byte order mark", "\ufeff{}"],
    ["a non-JSON space (NBSP)", "{\u00a0}"],
    ["True in Python spelling", "[True]"],
  ])("rejects %s", (_name, body) => {
    expect(invalid(body).message).toMatch(/^invalid JSON: .* at line \d+, column \d+ \(byte \d+\)$/);
  });

  it.each([
    ["a stray 0xff byte", Buffer.from([0x5b, 0x22, 0x61, 0xff, 0x22, 0x5d]), 3],
    ["an overlong '/'", Buffer.from([0x5b, 0x22, 0xc0, 0xaf, 0x22, 0x5d]), 2],
    ["an encoded surrogate", Buffer.from([0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d]), 2],
    ["a truncated sequence at the end", Buffer.from([0x5b, 0x22, 0xe6, 0x97]), 2],
  ])("rejects invalid UTF-8: %s, giving its byte offset", (_name, body, offset) => {
    const error = invalid(body);
    expect(error.message).toBe(`invalid JSON: the body is not valid UTF-8 (byte ${offset})`);
    expect(error.offset).toBe(offset);
  });

  it("reports line, column and byte offset of the error", () => {
    const error = invalid('{\n  "é": 1,\n}');
    expect(error.message).toBe("invalid JSON: trailing comma at line 3, column 1 (byte 13)");
    expect(error.offset).toBe(13);
  });

  it("refuses absurd nesting with InvalidJsonError rather than a stack overflow", () => {
    expect(invalid("[".repeat(100_000)).message).toMatch(/nesting deeper than 1000 levels/);
    expect(() => parseJsonPreservingOrder("[".repeat(1000) + "]".repeat(1000))).not.toThrow();
  });
});
