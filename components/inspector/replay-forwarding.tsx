"use client";

import { useActionState } from "react";
import { replayDeliveryAction, type ReplayActionState } from "@/app/(dashboard)/deliveries/replay-actions.ts";
import { inputClass, secondaryButtonClass } from "@/components/sources/styles.ts";

/**
 * Admins: send this delivery again, to one destination of its source or to all of them. A
 * replay is a new job with the same webhook-id, so an idempotent receiver ignores a copy it has.
 */
export function ReplayForwarding({ deliveryId, destinations }: { deliveryId: string; destinations: Array<{ id: string; name: string; enabled: boolean }> }) {
  const [state, action, isPending] = useActionState<ReplayActionState, FormData>(replayDeliveryAction, { status: "idle", message: null });
  return (
    <form action={action} aria-label="Resend this delivery" className="mt-4 space-y-2 border-t border-slate-100 pt-4">
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <div className="flex flex-wrap items-end gap-2">
        <label className="block text-sm font-medium">
          Resend to
          <select name="destinationId" defaultValue="" className={`${inputClass} sm:w-64`}>
            <option value="">All destinations</option>
            {destinations.map((destination) => (
              <option key={destination.id} value={destination.id}>
                {destination.name}
                {destination.enabled ? "" : " (paused)"}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={isPending} className={secondaryButtonClass}>
          {isPending ? "Resending…" : "Resend"}
        </button>
      </div>
      <p className="text-xs text-slate-500">Sent with the same webhook-id, so a receiver that drops repeats ignores a copy it already has.</p>
      {state.message && (
        <p
          role={state.status === "error" ? "alert" : "status"}
          className={`rounded-md px-3 py-2 text-sm ${state.status === "error" ? "bg-amber-50 text-amber-900" : "bg-emerald-50 text-emerald-800"}`}
        >
          {state.message}
        </p>
      )}
    </form>
  );
}
