import { deleteQuarantinedDeliveryAction } from "@/app/(dashboard)/deliveries/actions.ts";
import { ConfirmAction } from "@/components/users/confirm-action.tsx";
import { ReverifyButton } from "./reverify-button.tsx";

// What an admin can do with a failed or rejected delivery: re-verify its quarantined body
// (after adding the secret or key the sender really uses), or delete it with that body.

export function DeliveryActions({
  deliveryId,
  hasBody,
  purgedAt,
  sourceSlug,
}: {
  deliveryId: string;
  hasBody: boolean;
  purgedAt: Date | null;
  sourceSlug: string;
}) {
  return (
    <div className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:flex-row sm:items-start sm:justify-between sm:p-5">
      <div className="min-w-0 space-y-2">
        <h2 className="text-sm font-semibold">Re-verify</h2>
        {hasBody ? (
          <>
            <p className="text-sm text-slate-600">
              Added the sender&apos;s secret or key on{" "}
              <a href={`/sources/${sourceSlug}`} className="font-medium underline underline-offset-2">
                the source&apos;s page
              </a>
              ? Check this body again: a match makes it a verified delivery, and its image enters the gallery.
            </p>
            <ReverifyButton deliveryId={deliveryId} />
          </>
        ) : (
          <p className="text-sm text-slate-600">
            No body is kept for this delivery ({purgedAt ? "retention or the quarantine quota removed it" : "it was refused before its body was read"}), so
            there is nothing to check again.
          </p>
        )}
      </div>
      <div className="shrink-0 space-y-2 sm:w-64 sm:text-right">
        <h2 className="text-sm font-semibold">Delete</h2>
        <ConfirmAction
          action={deleteQuarantinedDeliveryAction}
          fields={{ deliveryId }}
          label="Delete delivery…"
          accessibleLabel="Delete this delivery and its quarantined body"
          question="Delete this delivery and its quarantined body? This cannot be undone."
          confirmLabel="Delete"
        />
      </div>
    </div>
  );
}
