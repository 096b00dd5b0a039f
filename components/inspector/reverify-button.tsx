"use client";

import { useActionState } from "react";
import { reverifyDeliveryAction, type InspectorActionState } from "@/app/(dashboard)/deliveries/actions.ts";
import { primaryButtonClass } from "@/components/sources/styles.ts";

/** Checks the quarantined body again against the source's credentials as they are now. */
export function ReverifyButton({ deliveryId }: { deliveryId: string }) {
  const [state, action, isPending] = useActionState<InspectorActionState, FormData>(reverifyDeliveryAction, { status: "idle", message: null });
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <button type="submit" disabled={isPending} className={primaryButtonClass}>
        {isPending ? "Re-verifying…" : "Re-verify"}
      </button>
      {state.message && (
        <p
          role={state.status === "error" ? "alert" : "status"}
          className={`break-words rounded-md px-3 py-2 text-sm ${state.status === "error" ? "bg-amber-50 text-amber-900" : "bg-emerald-50 text-emerald-800"}`}
        >
          {state.message}
        </p>
      )}
    </form>
  );
}
