"use client";

import { useActionState } from "react";
import { setSourceEnabledAction, type ActionState } from "@/app/(dashboard)/sources/actions.ts";
import { FormFeedback } from "./form-feedback.tsx";
import { secondaryButtonClass } from "./styles.ts";

export function SourceEnabledForm({ sourceId, isEnabled }: { sourceId: string; isEnabled: boolean }) {
  const [state, action, isPending] = useActionState<ActionState, FormData>(setSourceEnabledAction, { error: null });
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="sourceId" value={sourceId} />
      <input type="hidden" name="enabled" value={String(!isEnabled)} />
      <p className="text-sm text-slate-600">
        {isEnabled
          ? "While disabled, every delivery is answered 404 and is not recorded; senders that do not retry on 404 lose them. Credentials and history are kept."
          : "This source is disabled: deliveries are answered 404 and not recorded. Enable it to receive them again, with the same credentials."}
      </p>
      <FormFeedback error={state.error} message={state.message} />
      <button type="submit" disabled={isPending} className={secondaryButtonClass}>
        {isPending ? "Saving…" : isEnabled ? "Disable source" : "Enable source"}
      </button>
    </form>
  );
}
