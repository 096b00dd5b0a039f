// Times are shown in UTC, as everywhere in webhook-inbox, with the full instant on hover.
export function DateTime({ value, precision = "minute", fallback = "—" }: { value: Date | null; precision?: "minute" | "second"; fallback?: string }) {
  if (!value) return <span className="text-slate-400">{fallback}</span>;
  const iso = value.toISOString();
  return (
    <time dateTime={iso} title={`${iso.replace("T", " ").slice(0, 23)} UTC`} className="whitespace-nowrap tabular-nums">
      {iso.replace("T", " ").slice(0, precision === "minute" ? 16 : 19)}
    </time>
  );
}
