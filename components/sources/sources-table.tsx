import Link from "next/link";
import type { SourceSummary } from "@/lib/sources/list-sources.ts";
import { receiverUrl } from "@/lib/sources/receiver-url.ts";
import { EnabledBadge, KindBadge } from "./badges.tsx";
import { ReceiverUrlField } from "./receiver-url-field.tsx";
import { Timestamp } from "./timestamp.tsx";

// A table on wide screens; below `lg` each row becomes a card, with each cell labelled.

export function SourcesTable({ sources, origin, now }: { sources: SourceSummary[]; origin: string | null; now: Date }) {
  if (sources.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center text-sm text-slate-500">
        No sources yet. Each sending integration needs one: it gets its own receiver URL and credentials.
      </p>
    );
  }
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-sm">
        <caption className="sr-only">Sources</caption>
        <thead className="hidden border-b border-slate-200 bg-slate-50 text-left text-xs font-medium text-slate-500 lg:table-header-group">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">
              Source
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Kind
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Receiver URL
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Last delivery
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Last 24 h
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Status
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {sources.map((source) => (
            <tr key={source.id} className="grid grid-cols-2 gap-x-4 gap-y-3 p-4 lg:table-row lg:p-0" data-source={source.slug}>
              <td className="col-span-2 min-w-0 lg:px-4 lg:py-3 lg:align-top">
                <Link href={`/sources/${source.slug}`} className="font-medium text-slate-900 underline-offset-2 hover:underline">
                  {source.name}
                </Link>
                <span className="block font-mono text-xs text-slate-500">{source.slug}</span>
              </td>
              <td className="lg:px-4 lg:py-3 lg:align-top">
                <CellLabel>Kind</CellLabel>
                <KindBadge kind={source.kind} />
              </td>
              <td className="col-span-2 min-w-0 lg:col-span-1 lg:px-4 lg:py-3 lg:align-top">
                <CellLabel>Receiver URL</CellLabel>
                <ReceiverUrlField url={receiverUrl(origin, source.slug)} />
              </td>
              <td className="lg:px-4 lg:py-3 lg:align-top lg:whitespace-nowrap">
                <CellLabel>Last delivery</CellLabel>
                <Timestamp date={source.lastDeliveryAt} now={now} />
              </td>
              <td className="lg:px-4 lg:py-3 lg:align-top">
                <CellLabel>Last 24 h</CellLabel>
                <RecentCounts source={source} />
              </td>
              <td className="col-span-2 lg:col-span-1 lg:px-4 lg:py-3 lg:align-top">
                <CellLabel>Status</CellLabel>
                <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <EnabledBadge isEnabled={source.enabled} />
                  {source.activeCredentials === 0 && <span className="text-xs text-amber-700">no active credential</span>}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RecentCounts({ source }: { source: Pick<SourceSummary, "verified24h" | "failed24h" | "rejected24h"> }) {
  return (
    <span className="flex flex-col gap-0.5 text-xs lg:whitespace-nowrap">
      <span className={source.verified24h > 0 ? "text-emerald-700" : "text-slate-500"}>{source.verified24h} verified</span>
      <span className={source.failed24h > 0 ? "font-medium text-red-700" : "text-slate-500"}>{source.failed24h} failed</span>
      {source.rejected24h > 0 && <span className="text-amber-700">{source.rejected24h} rejected</span>}
    </span>
  );
}

function CellLabel({ children }: { children: React.ReactNode }) {
  return <span className="mb-1 block text-xs font-medium text-slate-500 lg:hidden">{children}</span>;
}
