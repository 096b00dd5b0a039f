import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table.tsx";
import { PageHeader } from "@/components/ui/page-header.tsx";
import { DateTime } from "@/components/users/date-time.tsx";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { getForwardingOverview } from "@/lib/forwarding/get-forwarding-overview.ts";

export const metadata: Metadata = { title: "Forwarding" };
export const dynamic = "force-dynamic";

// Forwarding at a glance: what waits for each destination, how the last day's attempts went,
// and the forwards that gave up (replay them from the delivery, or with the API).
export default async function ForwardingPage() {
  await requirePageOperator("/forwarding");
  const { destinations, failed } = await getForwardingOverview();
  const paused = destinations.filter((destination) => !destination.enabled);
  return (
    <div className="space-y-6">
      <PageHeader title="Forwarding">
        Every destination&apos;s backlog and its last 24 hours of attempts. Destinations are managed on their source&apos;s page.
      </PageHeader>
      {paused.length > 0 && (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900">
          Paused: {paused.map((destination) => `${destination.name} (${destination.pausedReason ?? "by an operator"})`).join(", ")}. Deliveries wait until it is
          resumed.
        </p>
      )}
      {destinations.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center text-sm text-slate-500">
          No destinations yet: add one on a source&apos;s page.
        </p>
      ) : (
        <DataTable
          label="Destinations"
          rows={destinations}
          rowKey={(d) => d.id}
          columns={[
            {
              label: "Destination",
              className: "max-sm:col-span-2",
              cell: (d) => (
                <>
                  <span className="font-medium">{d.name}</span>
                  <span className="block break-all font-mono text-xs text-slate-500">{d.url}</span>
                </>
              ),
            },
            {
              label: "Source",
              cell: (d) => (
                <Link href={`/sources/${d.source}`} className="underline">
                  {d.source}
                </Link>
              ),
            },
            { label: "State", cell: (d) => (d.enabled ? "Enabled" : "Paused") },
            { label: "Waiting", className: "tabular-nums", cell: (d) => d.waiting },
            { label: "Oldest waiting (UTC)", cell: (d) => <DateTime value={d.oldestWaitingAt} precision="second" /> },
            {
              label: "Success, 24 h",
              className: "tabular-nums",
              cell: (d) => (d.attempts24h === 0 ? "—" : `${Math.round((100 * d.delivered24h) / d.attempts24h)}% of ${d.attempts24h}`),
            },
            {
              label: "Latency p50 / p95",
              className: "tabular-nums",
              cell: (d) => (d.latencyP50Ms === null ? "—" : `${Math.round(d.latencyP50Ms)} / ${Math.round(d.latencyP95Ms!)} ms`),
            },
          ]}
        />
      )}
      <section aria-labelledby="failed-heading" className="space-y-2">
        <h2 id="failed-heading" className="text-base font-semibold">
          Failed forwards
        </h2>
        {failed.length === 0 ? (
          <p className="text-sm text-slate-500">None.</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
            {failed.map((forward) => (
              <li key={`${forward.deliveryId}-${forward.destination}`} className="px-3 py-2">
                <Link href={`/deliveries/${forward.deliveryId}`} className="font-mono text-xs underline">
                  {forward.deliveryId}
                </Link>{" "}
                to {forward.destination}, {forward.attempts} attempts, last <DateTime value={forward.updatedAt} precision="second" /> UTC:{" "}
                {forward.lastError ?? "failed"}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
