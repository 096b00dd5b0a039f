"use client";

import { useActionState, useState } from "react";

export interface ConfirmActionState {
  status: "idle" | "success" | "error";
  message: string | null;
}

interface ConfirmActionProps {
  action: (previous: ConfirmActionState, form: FormData) => Promise<ConfirmActionState>;
  /** Hidden form fields, e.g. the id of the row. */
  fields: Record<string, string>;
  /** The first button's text, and its accessible name (it should say what it acts on). */
  label: string;
  accessibleLabel: string;
  question: string;
  confirmLabel: string;
  /** The action is not offered (any last answer stays visible); `disabledReason` says why. */
  isDisabled?: boolean;
  disabledReason?: string;
}

/** A destructive action behind a second, explicit click; errors are shown beside it. */
export function ConfirmAction({ action, fields, label, accessibleLabel, question, confirmLabel, isDisabled = false, disabledReason }: ConfirmActionProps) {
  const [state, formAction, isPending] = useActionState(action, { status: "idle", message: null });
  const [isAsking, setIsAsking] = useState(false);
  // Each answer closes the question; the answer's message stays.
  const [answered, setAnswered] = useState(state);
  if (state !== answered) {
    setAnswered(state);
    setIsAsking(false);
  }
  return (
    <div className="space-y-2">
      {isDisabled ? (
        disabledReason && <span className="text-xs text-slate-400">{disabledReason}</span>
      ) : isAsking ? (
        <form
          action={formAction}
          onKeyDown={(event) => event.key === "Escape" && setIsAsking(false)}
          className="space-y-2 rounded-md border border-red-200 bg-red-50 p-2 text-left sm:ml-auto sm:max-w-64"
        >
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <p className="text-xs text-red-800">{question}</p>
          <div className="flex flex-wrap gap-2">
            <button
              type="submit"
              // biome-ignore lint/a11y/noAutofocus: a confirmation opened by the user's click; focus goes to its safe choice
              autoFocus
              disabled={isPending}
              className="rounded-md bg-red-700 px-2 py-1 text-xs font-medium text-white hover:bg-red-800 disabled:opacity-60"
            >
              {isPending ? "Working…" : confirmLabel}
            </button>
            <button
              type="button"
              onClick={() => setIsAsking(false)}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100"
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button
          type="button"
          aria-label={accessibleLabel}
          onClick={() => setIsAsking(true)}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-red-700 hover:border-red-300 hover:bg-red-50"
        >
          {label}
        </button>
      )}
      {state.message && (
        <p
          role={state.status === "error" ? "alert" : "status"}
          className={`text-xs sm:ml-auto sm:max-w-56 ${state.status === "error" ? "text-red-700" : "text-slate-600"}`}
        >
          {state.message}
        </p>
      )}
    </div>
  );
}
