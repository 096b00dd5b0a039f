import { replayFilteredAction } from "@/app/(dashboard)/deliveries/replay-actions.ts";
import { ConfirmAction } from "@/components/users/confirm-action.tsx";
import type { DeliveryFilters } from "@/lib/deliveries/delivery-filters.ts";
import { countReplayable } from "@/lib/forwarding/replay-filtered.ts";

// On the delivery log, for an admin: resend every verified delivery the current filters match
// (of sources with a destination), e.g. "from source X since 09:00 that failed to forward".
// The count shown is sent back with the confirmation; a view that changed meanwhile is refused
// with its new count. Offered only on a filtered view: the whole log is rarely what is meant,
// and counting it on every render would cost a scan of every delivery.

export async function ReplayFilteredButton({ filters }: { filters: DeliveryFilters }) {
  const isFiltered = Object.values(filters).some(Boolean);
  if (!isFiltered || (filters.status && filters.status !== "verified")) return null;
  const count = await countReplayable(filters);
  if (count === 0) return null;
  const fields: Record<string, string> = { expectedCount: String(count) };
  for (const [name, value] of Object.entries(filters)) if (typeof value === "string" && value) fields[name] = value;
  return (
    <ConfirmAction
      action={replayFilteredAction}
      fields={fields}
      label={`Resend ${count} to destinations…`}
      accessibleLabel={`Resend ${count} ${count === 1 ? "delivery" : "deliveries"} in this view to their destinations`}
      question={`Resend ${count === 1 ? "the 1 verified delivery" : `all ${count} verified deliveries`} matching these filters to every destination of ${count === 1 ? "its" : "their"} source? Each goes with its own webhook-id, as before.`}
      confirmLabel={`Resend ${count}`}
    />
  );
}

/** After a replay of the view, which redirects back to the log with `?resent=N&queued=M`. */
export function ResentNotice({ resent, queued }: { resent: string | undefined; queued: string | undefined }) {
  const deliveries = Number(resent);
  const forwards = Number(queued);
  if (!resent || !Number.isInteger(deliveries) || deliveries < 1 || !Number.isInteger(forwards)) return null;
  return (
    <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
      Resending {deliveries === 1 ? "1 delivery" : `${deliveries} deliveries`} ({forwards} {forwards === 1 ? "forward" : "forwards"} queued; paused destinations
      get theirs when resumed).
    </p>
  );
}
