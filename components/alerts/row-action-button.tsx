"use client";

import { useActionState } from "react";
import type { AlertActionState } from "@/app/(dashboard)/alerts/actions.ts";
import { FormFeedback } from "@/components/sources/form-feedback.tsx";

/** One button that runs an Alerts action for one row (send a test alert, remove), with its outcome below. */
export function RowActionButton(props: {
  action: (previous: AlertActionState, form: FormData) => Promise<AlertActionState>;
  field: string;
  value: string;
  label: string;
  pendingLabel: string;
  className: string;
  confirm?: string;
}) {
  const [state, action, isPending] = useActionState<AlertActionState, FormData>(props.action, { error: null });
  return (
    <form
      action={action}
      onSubmit={(event) => {
        if (props.confirm && !window.confirm(props.confirm)) event.preventDefault();
      }}
      className="space-y-1"
    >
      <input type="hidden" name={props.field} value={props.value} />
      <button type="submit" disabled={isPending} className={props.className}>
        {isPending ? props.pendingLabel : props.label}
      </button>
      <FormFeedback error={state.error} message={state.message} />
    </form>
  );
}
