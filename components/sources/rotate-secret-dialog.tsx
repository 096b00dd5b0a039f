"use client";

import { useActionState } from "react";
import { rotateSecretAction, type RotateState } from "@/app/(dashboard)/sources/actions.ts";
import { DEFAULT_EXPIRY_PRESET, OLD_SECRET_EXPIRY_PRESETS } from "@/lib/sources/expiry-presets.ts";
import { Dialog } from "./dialog.tsx";
import { Field } from "./field.tsx";
import { FormFeedback } from "./form-feedback.tsx";
import { OneTimeSecret } from "./one-time-secret.tsx";
import { inputClass, primaryButtonClass, secondaryButtonClass, smallButtonClass } from "./styles.ts";

export function RotateSecretDialog({ credentialId, label }: { credentialId: string; label: string }) {
  return (
    <Dialog
      trigger={
        <>
          Rotate<span className="sr-only"> {label}</span>
        </>
      }
      triggerClassName={smallButtonClass}
      title={`Rotate “${label}”`}
    >
      {(close) => <RotateSecretForm credentialId={credentialId} label={label} onClose={close} />}
    </Dialog>
  );
}

function RotateSecretForm({ credentialId, label, onClose }: { credentialId: string; label: string; onClose: () => void }) {
  const [state, action, isPending] = useActionState<RotateState, FormData>(rotateSecretAction, { error: null });
  if (state.secret) {
    return (
      <div className="space-y-3">
        <FormFeedback error={null} message={state.message} />
        <OneTimeSecret secret={state.secret} onDone={onClose} />
      </div>
    );
  }
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="credentialId" value={credentialId} />
      <p className="text-slate-700">
        A new secret is generated and shown once. Both verify deliveries until “{label}” expires: update the sender with the new secret in the meantime.
      </p>
      <fieldset>
        <legend className="text-sm font-medium">Keep “{label}” working for</legend>
        <div className="mt-1 flex flex-wrap gap-2">
          {OLD_SECRET_EXPIRY_PRESETS.map((preset) => (
            <label
              key={preset.value}
              className="flex cursor-pointer items-center gap-2 rounded-md border border-slate-200 px-3 py-1.5 has-[:checked]:border-slate-500 has-[:checked]:bg-slate-50"
            >
              <input type="radio" name="preset" value={preset.value} defaultChecked={preset.value === DEFAULT_EXPIRY_PRESET} />
              {preset.label}
            </label>
          ))}
        </div>
      </fieldset>
      <Field label="Label for the new secret" isOptional>
        {(control) => <input {...control} name="label" maxLength={80} autoComplete="off" className={inputClass} />}
      </Field>
      <FormFeedback error={state.error} />
      <div className="flex flex-wrap justify-end gap-2">
        <button type="button" onClick={onClose} className={secondaryButtonClass}>
          Cancel
        </button>
        <button type="submit" disabled={isPending} className={primaryButtonClass}>
          {isPending ? "Rotating…" : "Rotate secret"}
        </button>
      </div>
    </form>
  );
}
