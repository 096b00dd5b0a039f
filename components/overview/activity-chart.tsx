import type { HourBucket } from "@/lib/overview/list-hourly-activity.ts";

// 24 hourly bars, drawn on the server as SVG: verified at the bottom (green), failed and
// rejected stacked above (red). Screen readers get the title and a one-sentence summary; each
// bar's own title shows its counts on hover.

const BAR = 10;
const GAP = 2;
const HEIGHT = 48;

export function ActivityChart({ hours, label }: { hours: HourBucket[]; label: string }) {
  const width = hours.length * (BAR + GAP) - GAP;
  const peak = Math.max(1, ...hours.map((hour) => hour.verified + hour.failed + hour.rejected));
  const id = `chart-${label.replace(/[^a-z0-9-]/gi, "-")}`;
  return (
    <figure className="space-y-1">
      <svg viewBox={`0 0 ${width} ${HEIGHT}`} preserveAspectRatio="none" className="block h-14 w-full" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{`Deliveries per hour, last 24 hours, ${label}`}</title>
        <desc id={`${id}-desc`}>{summarize(hours)}</desc>
        {hours.map((hour, index) => {
          const unverified = hour.failed + hour.rejected;
          const x = index * (BAR + GAP);
          const verifiedHeight = (hour.verified / peak) * HEIGHT;
          const unverifiedHeight = (unverified / peak) * HEIGHT;
          return (
            <g key={hour.hour.toISOString()}>
              <title>{`${hourLabel(hour.hour)} UTC: ${hour.verified} verified, ${unverified} failed or rejected`}</title>
              {/* The hour's slot, so that an empty hour still shows where it is. */}
              <rect x={x} y={HEIGHT - 1} width={BAR} height={1} className="fill-slate-200" />
              {hour.verified > 0 && (
                <rect x={x} y={HEIGHT - verifiedHeight} width={BAR} height={verifiedHeight} className="fill-emerald-500" data-kind="verified" />
              )}
              {unverified > 0 && (
                <rect
                  x={x}
                  y={HEIGHT - verifiedHeight - unverifiedHeight}
                  width={BAR}
                  height={unverifiedHeight}
                  className="fill-red-500"
                  data-kind="unverified"
                />
              )}
            </g>
          );
        })}
      </svg>
      <figcaption aria-hidden="true" className="flex justify-between text-[11px] text-slate-500">
        <span>{hours[0] ? `${hourLabel(hours[0].hour)} UTC` : ""}</span>
        <span className="flex items-center gap-3">
          <span className="flex items-center gap-1">
            <span className="inline-block size-2 rounded-sm bg-emerald-500" /> verified
          </span>
          <span className="flex items-center gap-1">
            <span className="inline-block size-2 rounded-sm bg-red-500" /> failed or rejected
          </span>
        </span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}

function summarize(hours: HourBucket[]): string {
  const verified = hours.reduce((sum, hour) => sum + hour.verified, 0);
  const unverified = hours.reduce((sum, hour) => sum + hour.failed + hour.rejected, 0);
  if (verified + unverified === 0) return "No deliveries in the last 24 hours.";
  const busiest = hours.reduce((best, hour) => (hour.verified + hour.failed + hour.rejected > best.verified + best.failed + best.rejected ? hour : best));
  const busiestCount = busiest.verified + busiest.failed + busiest.rejected;
  return `${verified + unverified} deliveries in the last 24 hours: ${verified} verified, ${unverified} failed or rejected. Busiest hour ${hourLabel(busiest.hour)} UTC with ${busiestCount}.`;
}

function hourLabel(date: Date): string {
  return `${date.toISOString().slice(11, 13)}:00`;
}
