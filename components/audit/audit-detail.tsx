import type { Prisma } from "@/lib/generated/prisma/client.ts";

const MAX_VALUE_LENGTH = 160;
// PostgreSQL's jsonb does not keep key order, so the keys people read first are put first.
const KEY_ORDER = ["email", "name", "label", "slug", "from", "to", "role", "kind", "fingerprint", "prefix", "expiresAt", "reason"];
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** An entry's detail as compact `key value` pairs; nested values as one line of JSON. */
export function AuditDetail({ detail }: { detail: Prisma.JsonValue | null }) {
  if (detail === null || detail === undefined) return <span className="text-slate-400">—</span>;
  if (typeof detail !== "object" || Array.isArray(detail)) return <code className="font-mono text-xs break-all">{clip(JSON.stringify(detail))}</code>;
  const entries = Object.entries(detail).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  if (entries.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <dl className="flex flex-wrap gap-x-3 gap-y-1 text-xs">
      {entries.map(([key, value]) => (
        <div key={key} className="flex min-w-0 gap-1">
          <dt className="text-slate-500">{key}</dt> <dd className="min-w-0 font-mono break-all text-slate-800">{formatValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function formatValue(value: Prisma.JsonValue | undefined): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return ISO_INSTANT.test(value) ? `${value.slice(0, 16).replace("T", " ")} UTC` : clip(value);
  return clip(JSON.stringify(value));
}

function clip(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}

function rank(key: string): number {
  const index = KEY_ORDER.indexOf(key);
  return index === -1 ? KEY_ORDER.length : index;
}
