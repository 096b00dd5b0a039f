import type { JsonNode } from "../signatures/edenai-canonical.ts";
import { compareCodePoints, JSON_QUOTERS, type JsonEscape } from "../signatures/json-strings.ts";

// Serializations of a JSON payload beyond the four the receiver tries (see
// lib/signatures/edenai-canonical.ts): other indents, compact separators, sorted keys with each
// escaping style. The inspector tries them after a failure to tell "signed with another layout"
// apart from "signed with another key". Number literals are copied as written in the body.

export interface JsonLayout {
  /** Spaces per level, or null for one line. */
  indent: number | null;
  sortKeys: boolean;
  /** `ascii`: Python's ensure_ascii; `js`: JSON.stringify; `utf8`: orjson (raw UTF-8). */
  escape: JsonEscape;
  /** One-line separators: Python's `, ` and `: `, or the tight `,` and `:` of JS and orjson. */
  separators: "python" | "tight";
}

export interface JsonVariant {
  name: string;
  description: string;
  layout: JsonLayout;
}

/** In the order they are tried; each names the call that produces it. */
export const JSON_VARIANTS: readonly JsonVariant[] = [
  {
    name: "python-sorted-indent-2",
    description: "Python json.dumps(payload, indent=2, sort_keys=True)",
    layout: { indent: 2, sortKeys: true, escape: "ascii", separators: "python" },
  },
  {
    name: "python-compact",
    description: "Python json.dumps(payload), on one line",
    layout: { indent: null, sortKeys: false, escape: "ascii", separators: "python" },
  },
  {
    name: "python-compact-sorted",
    description: "Python json.dumps(payload, sort_keys=True), on one line",
    layout: { indent: null, sortKeys: true, escape: "ascii", separators: "python" },
  },
  {
    name: "js-compact",
    description: "JavaScript JSON.stringify(payload), on one line (also orjson.dumps without options)",
    layout: { indent: null, sortKeys: false, escape: "js", separators: "tight" },
  },
  {
    name: "orjson-compact-sorted",
    description: "orjson.dumps(payload, option=OPT_SORT_KEYS), on one line",
    layout: { indent: null, sortKeys: true, escape: "utf8", separators: "tight" },
  },
  {
    name: "python-indent-4",
    description: "Python json.dumps(payload, indent=4)",
    layout: { indent: 4, sortKeys: false, escape: "ascii", separators: "python" },
  },
  {
    name: "js-indent-4",
    description: "JavaScript JSON.stringify(payload, null, 4)",
    layout: { indent: 4, sortKeys: false, escape: "js", separators: "tight" },
  },
];

export function serializeWithLayout(tree: JsonNode, layout: JsonLayout): string {
  const quote = JSON_QUOTERS[layout.escape];
  const itemSeparator = layout.indent === null && layout.separators === "python" ? ", " : ",";
  const keySeparator = layout.indent === null && layout.separators === "tight" ? ":" : ": ";
  const write = (node: JsonNode, depth: number): string => {
    const open = (items: string[], left: string, right: string) => {
      if (items.length === 0) return left + right;
      if (layout.indent === null) return left + items.join(itemSeparator) + right;
      const pad = "\n" + " ".repeat(layout.indent * (depth + 1));
      return left + pad + items.join(itemSeparator + pad) + "\n" + " ".repeat(layout.indent * depth) + right;
    };
    switch (node.kind) {
      case "object": {
        const entries = layout.sortKeys ? [...node.entries].sort(([a], [b]) => compareCodePoints(a, b)) : node.entries;
        return open(
          entries.map(([key, value]) => quote(key) + keySeparator + write(value, depth + 1)),
          "{",
          "}",
        );
      }
      case "array":
        return open(
          node.items.map((item) => write(item, depth + 1)),
          "[",
          "]",
        );
      case "string":
        return quote(node.value);
      case "number":
        return node.literal;
      case "boolean":
        return node.value ? "true" : "false";
      case "null":
        return "null";
    }
  };
  return write(tree, 0);
}
