"use client";

import { useActionState, useState } from "react";
import { deleteSourceAction, type ActionState } from "@/app/(dashboard)/sources/actions.ts";
import type { SourceDeletionImpact } from "@/lib/sources/describe-source-deletion.ts";
import { Dialog } from "./dialog.tsx";
import { FormFeedback } from "./form-feedback.tsx";
import { dangerButtonClass, inputClass, secondaryButtonClass } from "./styles.ts";

interface Props {
  source: { id: string; slug: string; name: string };
  impact: SourceDeletionImpact;
}

export function DeleteSourceDialog({ source, impact }: Props) {
  return (
    <Dialog trigger="Delete source…" triggerClassName={dangerButtonClass} title={`Delete “${source.name}”?`}>
      {(close) => <DeleteSourceForm source={source} impact={impact} onCancel={close} />}
    </Dialog>
  );
}

function DeleteSourceForm({ source, impact, onCancel }: Props & { onCancel: () => void }) {
  const [state, action, isPending] = useActionState<ActionState, FormData>(deleteSourceAction, { error: null });
  const [typed, setTyped] = useState("");
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="sourceId" value={source.id} />
      <div className="space-y-2 text-slate-700">
        <p>This cannot be undone. It deletes at once:</p>
        <ul className="list-disc space-y-1 pl-5">
          <li>
            the source <span className="font-mono">{source.slug}</span> and its {plural(impact.credentials, "credential")}: senders posting to it get 404 from
            now on;
          </li>
          <li>
            {impact.deliveries === 0 ? (
              <>its delivery log, which is empty;</>
            ) : (
              <>
                its {plural(impact.deliveries, "delivery", "deliveries")} from the delivery log
                {impact.quarantinedBodies > 0 ? <>, with {plural(impact.quarantinedBodies, "quarantined body", "quarantined bodies")};</> : ";"}
              </>
            )}
          </li>
          {impact.imagesOnlyHere > 0 && (
            <li>
              from the gallery, the {plural(impact.imagesOnlyHere, "image")} only this source delivered.{" "}
              {impact.imagesOnlyHere === 1 ? "Its bytes stay" : "Their bytes stay"} in the database, unreferenced, until a clean-up removes them; webhook-inbox
              does not run one yet.
            </li>
          )}
        </ul>
        {impact.imagesShared > 0 && (
          <p>
            {plural(impact.imagesShared, "image")} also delivered to other sources {impact.imagesShared === 1 ? "stays" : "stay"}, with those sources&apos;
            deliveries.
          </p>
        )}
        <p>To stop receiving but keep the history, disable the source instead.</p>
      </div>
      <label className="block text-sm font-medium">
        Type <span className="font-mono">{source.slug}</span> to confirm
        <input
          name="confirmSlug"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          className={`${inputClass} font-mono`}
        />
      </label>
      <FormFeedback error={state.error} />
      <div className="flex flex-wrap justify-end gap-2">
        <button type="button" onClick={onCancel} className={secondaryButtonClass}>
          Cancel
        </button>
        <button type="submit" disabled={isPending || typed.trim() !== source.slug} className={dangerButtonClass}>
          {isPending ? "Deleting…" : "Delete source"}
        </button>
      </div>
    </form>
  );
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
