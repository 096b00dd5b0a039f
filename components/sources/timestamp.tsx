import { formatDistance, formatUtc } from "./format-time.ts";

/** A time as "5 min ago" (or the UTC minute), with the exact instant on hover and in the markup. */
export function Timestamp({ date, now, style = "distance" }: { date: Date | null; now: Date; style?: "distance" | "absolute" }) {
  if (!date) return <span className="text-slate-400">never</span>;
  return (
    <time dateTime={date.toISOString()} title={formatUtc(date)}>
      {style === "distance" ? formatDistance(date, now) : formatUtc(date)}
    </time>
  );
}
