import { compareCodePoints, JSON_QUOTERS, type JsonEscape } from "./json-strings.ts";
import type { JsonNode } from "./json-tree.ts";

// The one JSON serializer: a parsed body (json-tree.ts) written back in a
// given layout, number literals copied as written. The receiver's canonical forms
// (lib/schemes/edenai/canonical-forms.ts) are three of these layouts; the diagnosis tries the others after a
// failure, to tell "signed with another layout" apart from "signed with another key"; the
// inspector's preview is one more. Hand-written because no serializer we could use writes a
// number literal as received (`1.0` stays `1.0`) or escapes as Python and orjson do.

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

/** Layouts Eden AI never documented, in the order the diagnosis tries them; each names the call that produces it. */
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
  const unit = layout.indent === null ? "" : " ".repeat(layout.indent);
  // Plain string concatenation: V8 builds it as a rope, much faster than joining fragments.
  const write = (node: JsonNode, indent: string): string => {
    switch (node.kind) {
      case "object": {
        if (node.entries.length === 0) return "{}";
        const inner = indent + unit;
        // Array.prototype.sort is stable, so duplicate keys keep their body order.
        const entries = layout.sortKeys ? [...node.entries].sort(([a], [b]) => compareCodePoints(a, b)) : node.entries;
        let out = "{";
        for (let index = 0; index < entries.length; index++) {
          out += (index === 0 ? "" : itemSeparator) + newline(inner) + quote(entries[index][0]) + keySeparator + write(entries[index][1], inner);
        }
        return `${out + newline(indent)}}`;
      }
      case "array": {
        if (node.items.length === 0) return "[]";
        const inner = indent + unit;
        let out = "[";
        for (let index = 0; index < node.items.length; index++) out += (index === 0 ? "" : itemSeparator) + newline(inner) + write(node.items[index], inner);
        return `${out + newline(indent)}]`;
      }
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
  const newline = (indent: string) => (layout.indent === null ? "" : `\n${indent}`);
  return write(tree, "");
}
