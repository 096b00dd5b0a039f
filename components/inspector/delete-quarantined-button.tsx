import { deleteQuarantinedDeliveriesAction } from "@/app/(dashboard)/deliveries/actions.ts";
import { ConfirmAction } from "@/components/users/confirm-action.tsx";
import type { DeliveryFilters } from "@/lib/deliveries/delivery-filters.ts";
import { countQuarantinedDeliveries } from "@/lib/inspection/delete-quarantined.ts";

// On the delivery log, for an admin: delete every failed and rejected delivery the current
// filters match, with their quarantined bodies. The count is taken now and sent back with the
// confirmation, with the moment it was taken: the deletion removes exactly those deliveries
// (later arrivals stay), and refuses if the count no longer holds.

export async function DeleteQuarantinedButton({ filters }: { filters: DeliveryFilters }) {
  if (filters.status === "verified") return null;
  const countedAt = new Date();
  const count = await countQuarantinedDeliveries({ filters, receivedUpTo: countedAt });
  if (count === 0) return null;
  const what = count === 1 ? "the 1 failed or rejected delivery" : `all ${count} failed or rejected deliveries`;
  const fields: Record<string, string> = { expectedCount: String(count), countedAt: countedAt.toISOString() };
  for (const [name, value] of Object.entries(filters)) if (typeof value === "string" && value) fields[name] = value;
  return (
    <ConfirmAction
      action={deleteQuarantinedDeliveriesAction}
      fields={fields}
      label={`Delete ${count} quarantined…`}
      // Not "… matching these filters": the log's own "Filter" button must stay the only one by that name.
      accessibleLabel={`Delete ${count} quarantined ${count === 1 ? "delivery" : "deliveries"} in this view`}
      question={`Delete ${what}${Object.keys(fields).length > 2 ? " matching these filters" : ""}, with ${count === 1 ? "its quarantined body" : "their quarantined bodies"}? Verified deliveries stay. This cannot be undone.`}
      confirmLabel={`Delete ${count}`}
    />
  );
}

/** After a deletion, which redirects back to the log with `?deleted=N`. */
export function DeletedNotice({ count }: { count: string | undefined }) {
  const deleted = Number(count);
  if (!count || !Number.isInteger(deleted) || deleted < 1) return null;
  return (
    <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
      Deleted {deleted === 1 ? "1 failed or rejected delivery" : `${deleted} failed or rejected deliveries`}, with {deleted === 1 ? "its" : "their"} quarantined{" "}
      {deleted === 1 ? "body" : "bodies"}.
    </p>
  );
}
