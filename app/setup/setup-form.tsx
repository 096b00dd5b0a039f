"use client";

import { useActionState } from "react";
import { createFirstAdmin, type SetupState } from "./actions.ts";

export function SetupForm({ token }: { token: string }) {
  const [state, action, isPending] = useActionState<SetupState, FormData>(createFirstAdmin, { error: null, email: "" });
  const field = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm";
  return (
    <form action={action} className="mt-6 space-y-4">
      <input type="hidden" name="token" value={token} />
      <label className="block text-sm font-medium">
        Email
        <input name="email" type="email" autoComplete="username" required defaultValue={state.email} className={field} />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input name="password" type="password" autoComplete="new-password" minLength={12} required className={field} />
      </label>
      <label className="block text-sm font-medium">
        Repeat password
        <input name="confirm" type="password" autoComplete="new-password" minLength={12} required className={field} />
      </label>
      <p className="text-xs text-slate-500">At least 12 characters.</p>
      {state.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {state.error}
        </p>
      )}
      <button
        type="submit"
        disabled={isPending}
        className="w-full rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
      >
        {isPending ? "Creating…" : "Create administrator"}
      </button>
    </form>
  );
}
