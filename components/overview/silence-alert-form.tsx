"use client";

import { useActionState, useState } from "react";
import { setSilenceAlertAction, type SilenceAlertState } from "@/app/(dashboard)/overview/actions.ts";
import { FormFeedback } from "@/components/sources/form-feedback.tsx";
import { inputClass, secondaryButtonClass } from "@/components/sources/styles.ts";

/** Admins: how long this source may stay silent before the overview warns, or off. */
export function SilenceAlertForm({ sourceId, sourceName, minutes }: { sourceId: string; sourceName: string; minutes: number | null }) {
  const [state, action, isPending] = useActionState<SilenceAlertState, FormData>(setSilenceAlertAction, { error: null });
  const initialUnit = minutes === null ? "off" : minutes % 60 === 0 ? "hours" : "minutes";
  const [unit, setUnit] = useState(initialUnit);
  const initialAmount = minutes === null ? "" : String(initialUnit === "hours" ? minutes / 60 : minutes);
  return (
    <form action={action} className="space-y-2" aria-label={`Silence alert for ${sourceName}`}>
      <input type="hidden" name="sourceId" value={sourceId} />
      <fieldset>
        <legend className="text-xs font-medium text-slate-600">Warn when nothing arrives for</legend>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <label className="sr-only" htmlFor={`${sourceId}-amount`}>
            Amount
          </label>
          <input
            id={`${sourceId}-amount`}
            name="silenceAmount"
            type="number"
            inputMode="numeric"
            min={1}
            max={unit === "hours" ? 720 : 43_200}
            step={1}
            defaultValue={initialAmount}
            required={unit !== "off"}
            disabled={unit === "off"}
            className={`${inputClass} mt-0 w-24`}
          />
          <label className="sr-only" htmlFor={`${sourceId}-unit`}>
            Unit
          </label>
          <select id={`${sourceId}-unit`} name="silenceUnit" value={unit} onChange={(event) => setUnit(event.target.value)} className={`${inputClass} mt-0 w-auto`}>
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
            <option value="off">off (no alert)</option>
          </select>
          <button type="submit" disabled={isPending} className={secondaryButtonClass}>
            {isPending ? "Saving…" : "Save"}
          </button>
        </div>
      </fieldset>
      <FormFeedback error={state.error} message={state.message} />
    </form>
  );
}
