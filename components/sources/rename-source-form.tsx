"use client";

import { useActionState } from "react";
import { renameSourceAction, type ActionState } from "@/app/(dashboard)/sources/actions.ts";
import { FormFeedback } from "./form-feedback.tsx";
import { Field } from "./field.tsx";
import { inputClass, secondaryButtonClass } from "./styles.ts";

export function RenameSourceForm({ sourceId, name }: { sourceId: string; name: string }) {
  const [state, action, isPending] = useActionState<ActionState, FormData>(renameSourceAction, { error: null });
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="sourceId" value={sourceId} />
      <Field label="Display name" help="Shown in the dashboard only. The slug, and so the receiver URL, stays the same.">
        {/* Keyed by the saved name, so that the field shows it again after each save. */}
        {(control) => <input {...control} key={name} name="name" required maxLength={100} defaultValue={name} autoComplete="off" className={inputClass} />}
      </Field>
      <FormFeedback error={state.error} message={state.message} />
      <button type="submit" disabled={isPending} className={secondaryButtonClass}>
        {isPending ? "Saving…" : "Save name"}
      </button>
    </form>
  );
}
