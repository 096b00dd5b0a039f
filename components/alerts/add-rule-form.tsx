"use client";

import { useActionState, useState } from "react";
import { addRuleAction, type AlertActionState } from "@/app/(dashboard)/alerts/actions.ts";
import { FormFeedback } from "@/components/sources/form-feedback.tsx";
import { helpClass, inputClass, primaryButtonClass } from "@/components/sources/styles.ts";
import { submitWith } from "@/components/overview/submit-with.ts";

type Kind = "silence" | "failure_rate" | "credential" | "destination_paused" | "forwarding_backlog";

/** Admins: a rule for one source or all of them; empty thresholds take the defaults shown. */
export function AddRuleForm({ sources }: { sources: Array<{ slug: string; name: string }> }) {
  const [state, action, isPending] = useActionState<AlertActionState, FormData>(addRuleAction, { error: null });
  const [kind, setKind] = useState<Kind>("failure_rate");
  return (
    <form onSubmit={submitWith(action)} className="space-y-3" aria-label="Add a rule">
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="block text-sm font-medium">
          Condition
          <select name="ruleKind" value={kind} onChange={(event) => setKind(event.target.value as Kind)} className={inputClass}>
            <option value="failure_rate">Failure rate</option>
            <option value="silence">Silence</option>
            <option value="credential">Credential expiring or revoked one used</option>
            <option value="destination_paused">Forwarding destination paused</option>
            <option value="forwarding_backlog">Forwarding backlog</option>
          </select>
        </label>
        <label className="block text-sm font-medium">
          Source
          <select name="ruleSource" defaultValue="" className={inputClass}>
            <option value="">All sources (unless they have their own)</option>
            {sources.map((source) => (
              <option key={source.slug} value={source.slug}>
                {source.name} ({source.slug})
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="grid gap-3 sm:grid-cols-3">
        {kind === "silence" && <NumberField name="silenceMinutes" label="Silent for more than (minutes)" placeholder="60" />}
        {kind === "failure_rate" && (
          <>
            <NumberField name="percent" label="More than (%)" placeholder="20" />
            <NumberField name="minDeliveries" label="Of at least (deliveries)" placeholder="10" />
            <NumberField name="windowMinutes" label="In (minutes)" placeholder="15" />
          </>
        )}
        {kind === "forwarding_backlog" && <NumberField name="backlogMinutes" label="Oldest waiting for more than (minutes)" placeholder="15" />}
        {kind === "credential" && (
          <>
            <NumberField name="expiringWithinDays" label="Expires within (days)" placeholder="7" />
            <NumberField name="retiredWindowMinutes" label="Revoked one used in the last (minutes)" placeholder="60" />
          </>
        )}
      </div>
      <p className={helpClass}>
        A source&apos;s own rule takes the place of the rule for all sources. The overview&apos;s per-source silence setting counts as that source&apos;s
        silence rule.
      </p>
      <button type="submit" disabled={isPending} className={primaryButtonClass}>
        {isPending ? "Adding…" : "Add rule"}
      </button>
      <FormFeedback error={state.error} message={state.message} />
    </form>
  );
}

function NumberField({ name, label, placeholder }: { name: string; label: string; placeholder: string }) {
  return (
    <label className="block text-sm font-medium">
      {label}
      <input name={name} type="number" min={0} step="any" inputMode="decimal" placeholder={placeholder} className={inputClass} />
    </label>
  );
}
