// A source's signing options as stored, defaults filled in (the source page).

const LABELS: Readonly<Record<string, string>> = {
  header: "Signature header",
  algorithm: "Algorithm",
  encoding: "Encoding",
  prefix: "Prefix",
  signedString: "Signed string",
  timestampHeader: "Timestamp header",
  toleranceSeconds: "Timestamp tolerance",
  dedupeJsonField: "Deduplicate on JSON field",
  dedupeHeader: "Deduplicate on header",
};

export function SchemeOptionsList({ options }: { options: Readonly<Record<string, unknown>> }) {
  return (
    <dl className="grid max-w-2xl gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-5 text-sm shadow-sm sm:grid-cols-2">
      {Object.entries(options).map(([name, value]) => (
        <div key={name}>
          <dt className="text-xs font-medium text-slate-500">{LABELS[name] ?? name}</dt>
          <dd className="mt-0.5 font-mono text-xs">{describe(name, value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function describe(name: string, value: unknown): string {
  if (name === "toleranceSeconds") return `${String(value)} s`;
  if (name === "algorithm") return `HMAC-${String(value).toUpperCase()}${value === "sha1" ? " (weak)" : ""}`;
  if (value === "") return "(none)";
  return String(value);
}
