"use client";

import { useActionState, useState } from "react";
import { saveRetentionAction, type RetentionState } from "@/app/(dashboard)/settings/actions.ts";
import { FormFeedback } from "@/components/sources/form-feedback.tsx";
import { submitWith } from "@/components/overview/submit-with.ts";
import { compactControlClass } from "@/components/overview/styles.ts";
import { helpClass, primaryButtonClass } from "@/components/sources/styles.ts";
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, type RetentionSettings } from "@/lib/settings/retention-limits.ts";

// Both periods in one form: for each, "keep forever" or "delete after N days".

export function RetentionForm({ settings }: { settings: RetentionSettings }) {
  const [state, action, isPending] = useActionState<RetentionState, FormData>(saveRetentionAction, { error: null });
  return (
    <form onSubmit={submitWith(action)} className="space-y-5">
      {/* Keyed by the saved values, so that the fields show them again after each save. */}
      <PeriodField
        key={`quarantine-${settings.quarantineDays}`}
        prefix="quarantine"
        legend="Quarantined raw bodies"
        help="The raw request of each failed or rejected delivery, kept for the inspector and for re-verification. The delivery stays in the log; once its body is removed it can no longer be inspected or re-verified."
        days={settings.quarantineDays}
      />
      <PeriodField
        key={`image-${settings.imageDays}`}
        prefix="image"
        legend="Delivered images"
        help="Images (with their thumbnails) that no delivery in the period carried; an image delivered again recently is kept. The deliveries stay in the log without their image, and an Eden AI delivery also loses its raw body, which embeds the image."
        days={settings.imageDays}
      />
      <FormFeedback error={state.error} message={state.message} />
      <button type="submit" disabled={isPending} className={primaryButtonClass}>
        {isPending ? "Saving…" : "Save retention"}
      </button>
    </form>
  );
}

function PeriodField({ prefix, legend, help, days }: { prefix: string; legend: string; help: string; days: number | null }) {
  const [mode, setMode] = useState(days === null ? "forever" : "days");
  const helpId = `${prefix}-help`;
  return (
    <fieldset aria-describedby={helpId} className="space-y-2">
      <legend className="text-sm font-semibold">{legend}</legend>
      <p id={helpId} className={helpClass}>
        {help}
      </p>
      <label className="flex items-center gap-2 text-sm">
        <input type="radio" name={`${prefix}Mode`} value="forever" defaultChecked={days === null} onChange={() => setMode("forever")} />
        Keep forever
      </label>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="radio" name={`${prefix}Mode`} value="days" defaultChecked={days !== null} onChange={() => setMode("days")} />
          Delete after
        </label>
        <input
          name={`${prefix}Days`}
          type="number"
          inputMode="numeric"
          min={MIN_RETENTION_DAYS}
          max={MAX_RETENTION_DAYS}
          step={1}
          defaultValue={days ?? 30}
          disabled={mode !== "days"}
          required={mode === "days"}
          aria-label={`Days to keep ${legend.toLowerCase()}`}
          className={`${compactControlClass} w-24`}
        />
        <span>days</span>
      </div>
    </fieldset>
  );
}
