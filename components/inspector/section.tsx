// The inspector's building blocks: a titled card, and label/value pairs that wrap long values
// (hashes, signatures, header values) instead of widening the page on a phone.

export function Section({
  id,
  title,
  description,
  tone = "plain",
  children,
}: {
  id: string;
  title: string;
  description?: React.ReactNode;
  tone?: "plain" | "warning";
  children: React.ReactNode;
}) {
  const frame = tone === "warning" ? "border-amber-300" : "border-slate-200";
  return (
    <section aria-labelledby={id} className={`min-w-0 rounded-lg border ${frame} bg-white p-4 shadow-sm sm:p-5`}>
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      {description && <div className="mt-1 text-sm text-slate-500">{description}</div>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

export interface Fact {
  label: string;
  value: React.ReactNode;
  /** Hashes, ids and header values: monospace, broken anywhere. */
  isCode?: boolean;
}

export function Facts({ facts, columns = 1 }: { facts: Array<Fact | null | false>; columns?: 1 | 2 }) {
  return (
    <dl className={`grid gap-x-6 gap-y-3 text-sm ${columns === 2 ? "sm:grid-cols-2" : ""}`}>
      {facts
        .filter((fact): fact is Fact => Boolean(fact))
        .map((fact) => (
          <div key={fact.label} className="min-w-0">
            <dt className="text-xs font-medium text-slate-500">{fact.label}</dt>
            <dd className={`mt-0.5 text-slate-900 ${fact.isCode ? "break-all font-mono text-xs" : "break-words"}`}>{fact.value}</dd>
          </div>
        ))}
    </dl>
  );
}

export function Missing({ children = "—" }: { children?: React.ReactNode }) {
  return <span className="text-slate-400">{children}</span>;
}
