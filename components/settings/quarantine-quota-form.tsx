"use client";

import { useActionState } from "react";
import { saveQuarantineQuotaAction, type RetentionState } from "@/app/(dashboard)/settings/actions.ts";
import { FormFeedback } from "@/components/sources/form-feedback.tsx";
import { submitWith } from "@/components/overview/submit-with.ts";
import { compactControlClass } from "@/components/overview/styles.ts";
import { helpClass, primaryButtonClass } from "@/components/sources/styles.ts";
import { DEFAULT_QUARANTINE_QUOTA_MIB, MAX_QUARANTINE_QUOTA_MIB, MIN_QUARANTINE_QUOTA_MIB } from "@/lib/settings/quarantine-quota-limits.ts";

// The per-source quota of quarantined raw bodies, in MiB.

export function QuarantineQuotaForm({ mib }: { mib: number }) {
  const [state, action, isPending] = useActionState<RetentionState, FormData>(saveQuarantineQuotaAction, { error: null });
  return (
    <form onSubmit={submitWith(action)} className="space-y-3">
      <p id="quota-help" className={helpClass}>
        Each source may keep this much of failed and rejected deliveries&apos; raw bodies (default {DEFAULT_QUARANTINE_QUOTA_MIB} MiB, 1 GiB). Past it, such
        deliveries are still logged, without their body, and their reason says so; deleting quarantined deliveries, or retention, makes room again.
      </p>
      <label className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-semibold">Quarantine per source</span>
        <input
          key={mib}
          name="quotaMib"
          type="number"
          inputMode="numeric"
          min={MIN_QUARANTINE_QUOTA_MIB}
          max={MAX_QUARANTINE_QUOTA_MIB}
          step={1}
          required
          defaultValue={mib}
          aria-describedby="quota-help"
          className={`${compactControlClass} w-28`}
        />
        <span>MiB</span>
      </label>
      <FormFeedback error={state.error} message={state.message} />
      <button type="submit" disabled={isPending} className={primaryButtonClass}>
        {isPending ? "Saving…" : "Save quota"}
      </button>
    </form>
  );
}
