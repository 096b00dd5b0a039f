import type { DestinationSummary } from "@/lib/forwarding/list-destinations.ts";
import { AddDestinationForm } from "./add-destination-form.tsx";
import { DestinationControls } from "./destination-controls.tsx";

/** A source's forwarding destinations, on its page: state, backlog, and for admins the controls. */
export function DestinationsSection({ slug, destinations, canManage }: { slug: string; destinations: DestinationSummary[]; canManage: boolean }) {
  return (
    <section aria-labelledby="destinations-heading" className="space-y-3">
      <div>
        <h2 id="destinations-heading" className="text-base font-semibold">
          Forwarding
        </h2>
        <p className="mt-1 text-sm text-slate-500">
          Each verified delivery is sent on to every enabled destination in the provider&apos;s own shape, signed with Standard Webhooks headers, and retried
          until it is accepted.
        </p>
      </div>
      {destinations.length === 0 ? (
        <p className="text-sm text-slate-500">No destinations: deliveries stay here.</p>
      ) : (
        <table className="w-full rounded-lg border border-slate-200 bg-white text-left text-sm shadow-sm">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="px-3 py-2 font-medium">Destination</th>
              <th className="px-3 py-2 font-medium">State</th>
              <th className="px-3 py-2 font-medium">Waiting</th>
              <th className="px-3 py-2 font-medium">Failed</th>
              {canManage && <th className="px-3 py-2 font-medium">Manage</th>}
            </tr>
          </thead>
          <tbody>
            {destinations.map((destination) => (
              <tr key={destination.id} className="border-t border-slate-100 align-top">
                <td className="px-3 py-2">
                  <span className="font-medium">{destination.name}</span>
                  <span className="block break-all font-mono text-xs text-slate-500">{destination.url}</span>
                </td>
                <td className="px-3 py-2">{destination.enabled ? "Enabled" : `Paused: ${destination.pausedReason ?? "by an operator"}`}</td>
                <td className="px-3 py-2 tabular-nums">{destination.waiting}</td>
                <td className="px-3 py-2 tabular-nums">{destination.failed}</td>
                {canManage && (
                  <td className="px-3 py-2">
                    <DestinationControls destinationId={destination.id} slug={slug} name={destination.name} isEnabled={destination.enabled} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage && (
        <section aria-labelledby="add-destination-heading" className="max-w-2xl rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <h3 id="add-destination-heading" className="mb-3 text-sm font-semibold">
            Add a destination
          </h3>
          <AddDestinationForm slug={slug} />
        </section>
      )}
    </section>
  );
}
