"use client";

import { useActionState, useLayoutEffect, useState } from "react";
import { addDestinationAction, type AddDestinationState } from "@/app/(dashboard)/sources/destination-actions.ts";
import { Field } from "@/components/sources/field.tsx";
import { FormFeedback } from "@/components/sources/form-feedback.tsx";
import { inputClass, primaryButtonClass } from "@/components/sources/styles.ts";
import { CopyButton } from "@/components/ui/copy-button.tsx";

export function AddDestinationForm({ slug }: { slug: string }) {
  const [generation, setGeneration] = useState(0);
  // The secret shown here must not survive in a page kept hidden after navigation.
  useLayoutEffect(() => () => setGeneration((value) => value + 1), []);
  return <AddDestinationFormBody key={generation} slug={slug} onDone={() => setGeneration((value) => value + 1)} />;
}

function AddDestinationFormBody({ slug, onDone }: { slug: string; onDone: () => void }) {
  const [state, action, isPending] = useActionState<AddDestinationState, FormData>(addDestinationAction, { error: null });
  if (state.created) {
    return (
      <section aria-label="New signing secret" className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
        <FormFeedback error={null} message={state.message} />
        <p className="font-semibold text-amber-900">Copy this signing secret now. It will not be shown again.</p>
        <p className="text-amber-900/80">
          {state.created.url} receives Standard Webhooks headers signed with it: verify <span className="font-mono">webhook-signature</span> with any Standard
          Webhooks library.
        </p>
        <div className="flex items-start gap-2">
          <code
            data-secret
            className="min-w-0 flex-1 break-all rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-sm text-slate-900 select-all"
          >
            {state.created.secret}
          </code>
          <CopyButton value={state.created.secret} label="Copy secret" />
        </div>
        <button type="button" onClick={onDone} className="rounded-md bg-amber-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-800">
          I have stored it
        </button>
      </section>
    );
  }
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="slug" value={slug} />
      <Field label="URL" help="http or https. Link-local and cloud metadata addresses are refused.">
        {(control) => (
          <input {...control} name="url" type="url" required placeholder="https://example.com/hooks/maskit" autoComplete="off" className={inputClass} />
        )}
      </Field>
      <Field label="Name" isOptional>
        {(control) => <input {...control} name="name" maxLength={100} autoComplete="off" placeholder="Image pipeline" className={inputClass} />}
      </Field>
      <FormFeedback error={state.error} message={state.message} />
      <button type="submit" disabled={isPending} className={primaryButtonClass}>
        {isPending ? "Adding…" : "Add destination"}
      </button>
    </form>
  );
}
