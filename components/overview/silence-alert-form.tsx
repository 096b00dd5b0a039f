"use client";

import { useActionState, useState } from "react";
import { setSilenceAlertAction, type SilenceAlertState } from "@/app/(dashboard)/overview/actions.ts";
import { FormFeedback } from "@/components/sources/form-feedback.tsx";
import { submitWith } from "@/components/overview/submit-with.ts";
import { secondaryButtonClass } from "@/components/sources/styles.ts";
import { compactControlClass as controlClass } from "./styles.ts";

/** Admins: how long this source may stay silent before the overview warns, or off. */
export function SilenceAlertForm({ sourceId, sourceName, minutes }: { sourceId: string; sourceName: string; minutes: number | null }) {
  const [state, action, isPending] = useActionState<SilenceAlertState, FormData>(setSilenceAlertAction, { error: null });
  return (
    <form onSubmit={submitWith(action)} className="space-y-2" aria-label={`Silence alert for ${sourceName}`}>
      <input type="hidden" name="sourceId" value={sourceId} />
      <fieldset>
        <legend className="text-xs font-medium text-slate-600">Warn when nothing arrives for</legend>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          {/* Keyed by the saved value, so that the fields show it again after each save. */}
          <SilenceFields key={String(minutes)} idPrefix={sourceId} minutes={minutes} />
          <button type="submit" disabled={isPending} className={`${secondaryButtonClass} h-9 py-0`}>
            {isPending ? "Saving…" : "Save"}
          </button>
        </div>
      </fieldset>
      <FormFeedback error={state.error} message={state.message} />
    </form>
  );
}

function SilenceFields({ idPrefix, minutes }: { idPrefix: string; minutes: number | null }) {
  const savedUnit = minutes === null ? "off" : minutes % 60 === 0 ? "hours" : "minutes";
  const [unit, setUnit] = useState(savedUnit);
  const savedAmount = minutes === null ? "" : String(savedUnit === "hours" ? minutes / 60 : minutes);
  return (
    <>
      <label className="sr-only" htmlFor={`${idPrefix}-amount`}>
        Amount
      </label>
      <input
        id={`${idPrefix}-amount`}
        name="silenceAmount"
        type="number"
        inputMode="numeric"
        min={1}
        max={unit === "hours" ? 720 : 43_200}
        step={1}
        defaultValue={savedAmount}
        required={unit !== "off"}
        disabled={unit === "off"}
        className={`${controlClass} w-20`}
      />
      <label className="sr-only" htmlFor={`${idPrefix}-unit`}>
        Unit
      </label>
      <select id={`${idPrefix}-unit`} name="silenceUnit" defaultValue={savedUnit} onChange={(event) => setUnit(event.target.value)} className={controlClass}>
        <option value="minutes">minutes</option>
        <option value="hours">hours</option>
        <option value="off">off (no alert)</option>
      </select>
    </>
  );
}
