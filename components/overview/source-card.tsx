import Link from "next/link";
import { EnabledBadge, KindBadge } from "@/components/sources/badges.tsx";
import { formatUtc } from "@/components/sources/format-time.ts";
import { cardClass } from "@/components/sources/styles.ts";
import { Timestamp } from "@/components/sources/timestamp.tsx";
import type { OverviewSource } from "@/lib/overview/get-overview.ts";
import { ActivityChart } from "./activity-chart.tsx";
import { formatMinutes } from "./format-minutes.ts";
import { SilenceAlertForm } from "./silence-alert-form.tsx";

/** One source on the overview: its last day at a glance, and a warning when it has gone quiet. */
export function SourceCard({ source, now, canManage }: { source: OverviewSource; now: Date; canManage: boolean }) {
  const ratePercent = source.failureRate === null ? null : Math.round(source.failureRate * 1000) / 10;
  return (
    <article
      aria-labelledby={`source-${source.id}`}
      data-source={source.slug}
      className={`${cardClass} flex min-w-0 flex-col gap-4 p-4 ${source.silence ? "border-amber-300 ring-1 ring-amber-300" : ""}`}
    >
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 id={`source-${source.id}`} className="truncate text-sm font-semibold">
            <Link href={`/sources/${source.slug}`} className="underline-offset-2 hover:underline">
              {source.name}
            </Link>
          </h2>
          <p className="truncate font-mono text-xs text-slate-500">{source.slug}</p>
        </div>
        <span className="flex shrink-0 gap-1.5">
          <KindBadge kind={source.kind} />
          <EnabledBadge isEnabled={source.enabled} />
        </span>
      </header>

      {source.silence && (
        <p data-testid="silence-warning" className="flex gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <span aria-hidden="true">⚠</span>
          <span>
            <strong className="font-semibold">Silent for {formatMinutes(source.silence.silentForMs / 60_000)}</strong>
            {source.lastDeliveryAt ? " — nothing since " : " — no delivery since it was created, "}
            <span className="whitespace-nowrap">{formatUtc(source.lastDeliveryAt ?? source.createdAt)}</span>. The alert is set at{" "}
            <span className="whitespace-nowrap">{formatMinutes(source.silence.thresholdMinutes)}</span>.
          </span>
        </p>
      )}

      <dl className="grid grid-cols-3 gap-3 text-sm">
        <div className="min-w-0">
          <dt className="text-xs font-medium text-slate-500">Last delivery</dt>
          <dd className="mt-0.5">
            <Timestamp date={source.lastDeliveryAt} now={now} />
            {source.lastDeliveryAt && <span className="block text-xs text-slate-500">{formatUtc(source.lastDeliveryAt)}</span>}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-slate-500">Last 24 h</dt>
          <dd className="mt-0.5" data-testid="deliveries-24h">
            <span className="font-semibold tabular-nums">{source.total}</span> {source.total === 1 ? "delivery" : "deliveries"}
            <span className="block text-xs text-slate-500 tabular-nums">{source.verified} verified</span>
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-slate-500">Failure rate</dt>
          <dd className="mt-0.5" data-testid="failure-rate">
            {ratePercent === null ? (
              <span className="text-slate-400">—</span>
            ) : (
              <span className={`font-semibold tabular-nums ${ratePercent > 0 ? "text-red-700" : "text-emerald-700"}`}>{ratePercent}%</span>
            )}
            <span className="block text-xs text-slate-500 tabular-nums">{source.unverified} failed or rejected</span>
          </dd>
        </div>
      </dl>

      <ActivityChart hours={source.hours} label={source.slug} />

      <div className="border-t border-slate-100 pt-3 text-xs text-slate-600">
        {canManage ? (
          <SilenceAlertForm sourceId={source.id} sourceName={source.name} minutes={source.silenceAlertMinutes} />
        ) : (
          <p>Silence alert: {source.silenceAlertMinutes === null ? "off" : `after ${formatMinutes(source.silenceAlertMinutes)}`}</p>
        )}
        {source.activeCredentials === 0 && <p className="mt-2 text-amber-700">No active credential: every delivery fails with 401.</p>}
      </div>
    </article>
  );
}
