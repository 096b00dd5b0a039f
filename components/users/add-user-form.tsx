"use client";

import { useActionState } from "react";
import { addUserAction, type AddUserState } from "@/app/(dashboard)/users/actions.ts";

const FIELD = "mt-1 block h-10 w-full rounded-md border border-slate-300 bg-white px-3 text-sm font-normal";

export function AddUserForm() {
  const [state, action, isPending] = useActionState<AddUserState, FormData>(addUserAction, { status: "idle", message: null, email: "", role: "viewer" });
  return (
    <form action={action} className="mt-3 space-y-3">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1.5fr_1.5fr]">
        <label className="block text-sm font-medium">
          Email
          <input name="email" type="email" autoComplete="off" required maxLength={320} defaultValue={state.email} className={FIELD} />
        </label>
        <label className="block text-sm font-medium">
          Role
          {/* Keyed by the answer, so that the choice survives React's reset of the form after an error. */}
          <select key={`${state.role}-${state.message}`} name="role" defaultValue={state.role} className={FIELD}>
            <option value="viewer">viewer (read only)</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label className="block text-sm font-medium">
          Initial password
          <input name="password" type="password" autoComplete="new-password" minLength={12} maxLength={1024} required className={FIELD} />
        </label>
        <label className="block text-sm font-medium">
          Repeat password
          <input name="confirm" type="password" autoComplete="new-password" minLength={12} maxLength={1024} required className={FIELD} />
        </label>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          disabled={isPending}
          className="rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
        >
          {isPending ? "Adding…" : "Add user"}
        </button>
        <p className="text-xs text-slate-500">At least 12 characters. Viewers see deliveries; admins also manage sources, users and tokens.</p>
      </div>
      {state.message && (
        <p
          role={state.status === "error" ? "alert" : "status"}
          className={`rounded-md px-3 py-2 text-sm ${state.status === "error" ? "bg-red-50 text-red-700" : "bg-emerald-50 text-emerald-800"}`}
        >
          {state.message}
        </p>
      )}
    </form>
  );
}
