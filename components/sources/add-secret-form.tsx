"use client";

import { useActionState, useLayoutEffect, useState } from "react";
import { addSecretAction, type SecretState } from "@/app/(dashboard)/sources/actions.ts";
import { FormFeedback } from "./form-feedback.tsx";
import { OneTimeSecret } from "./one-time-secret.tsx";
import { Field } from "./field.tsx";
import { inputClass, primaryButtonClass } from "./styles.ts";

export function AddSecretForm({ sourceId }: { sourceId: string }) {
  const [generation, setGeneration] = useState(0);
  // A secret shown here must not survive in a page kept hidden after navigation (see Dialog).
  useLayoutEffect(() => () => setGeneration((value) => value + 1), []);
  return <AddSecretFormBody key={generation} sourceId={sourceId} onDone={() => setGeneration((value) => value + 1)} />;
}

function AddSecretFormBody({ sourceId, onDone }: { sourceId: string; onDone: () => void }) {
  const [state, action, isPending] = useActionState<SecretState, FormData>(addSecretAction, { error: null });
  const [mode, setMode] = useState<"generate" | "paste">("generate");
  if (state.secret) {
    return (
      <div className="space-y-3">
        <FormFeedback error={null} message={state.message} />
        <OneTimeSecret secret={state.secret} onDone={onDone} />
      </div>
    );
  }
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="sourceId" value={sourceId} />
      <fieldset>
        <legend className="text-sm font-medium">New secret</legend>
        <div className="mt-1 space-y-1 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" value="generate" checked={mode === "generate"} onChange={() => setMode("generate")} />
            Generate one (recommended)
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" value="paste" checked={mode === "paste"} onChange={() => setMode("paste")} />
            Paste one I already have
          </label>
        </div>
      </fieldset>
      {mode === "paste" && (
        <Field label="Shared secret" help="At least 16 characters. It is stored encrypted and never shown again, here or anywhere.">
          {(control) => (
            <input
              {...control}
              name="secret"
              type="password"
              required
              minLength={16}
              autoComplete="off"
              spellCheck={false}
              className={`${inputClass} font-mono`}
            />
          )}
        </Field>
      )}
      <Field label="Label" isOptional>
        {(control) => <input {...control} name="label" maxLength={80} autoComplete="off" placeholder="MaskIt production" className={inputClass} />}
      </Field>
      <FormFeedback error={state.error} message={state.message} />
      <button type="submit" disabled={isPending} className={primaryButtonClass}>
        {isPending ? "Adding…" : mode === "generate" ? "Generate secret" : "Add secret"}
      </button>
    </form>
  );
}
