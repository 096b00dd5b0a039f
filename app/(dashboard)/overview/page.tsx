import type { Metadata } from "next";
import Link from "next/link";
import { OverviewLiveRefresh } from "@/components/overview/overview-live-refresh.tsx";
import { SourceCard } from "@/components/overview/source-card.tsx";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { getOverview } from "@/lib/overview/get-overview.ts";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

// Every source's last day at a glance. Server-rendered; a small client leaf refreshes it when
// deliveries arrive (and once a minute, so that silence warnings appear on time).
export default async function OverviewPage() {
  const operator = await requirePageOperator("/overview");
  const now = new Date();
  const sources = await getOverview({ now });
  const silent = sources.filter((source) => source.silence);
  return (
    <div className="space-y-4">
      <OverviewLiveRefresh />
      <div>
        <h1 className="text-lg font-semibold">Overview</h1>
        <p className="mt-1 text-sm text-slate-500">
          Each source's deliveries over the current hour and the 23 before it, hour by hour (UTC). Updates as deliveries arrive.
          {operator.role === "admin" ? " Set a silence alert to be warned when a sender stops posting." : ""}
        </p>
      </div>
      {silent.length > 0 && (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900">
          {silent.length === 1 ? `${silent[0].name} has` : `${silent.length} sources have`} been silent longer than {silent.length === 1 ? "its" : "their"}{" "}
          alert threshold.
        </p>
      )}
      {sources.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center text-sm text-slate-500">
          No sources yet.{" "}
          <Link href="/sources" className="font-medium text-slate-700 underline">
            Add one on the Sources page
          </Link>
          .
        </p>
      ) : (
        <div className="grid items-start gap-4 md:grid-cols-2 xl:grid-cols-3">
          {sources.map((source) => (
            <SourceCard key={source.id} source={source} now={now} canManage={operator.role === "admin"} />
          ))}
        </div>
      )}
    </div>
  );
}
