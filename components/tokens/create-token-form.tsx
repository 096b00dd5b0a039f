"use client";

import { useActionState, useState } from "react";
import { createTokenAction, type CreatedToken, type CreateTokenState } from "@/app/(dashboard)/tokens/actions.ts";
import { CopyButton } from "@/components/ui/copy-button.tsx";

const FIELD = "mt-1 block h-10 w-full rounded-md border border-slate-300 bg-white px-3 text-sm font-normal";
const INITIAL: CreateTokenState = { status: "idle", message: null, created: null, name: "", role: "viewer", expiry: "90d" };

export function CreateTokenForm() {
  const [state, action, isPending] = useActionState<CreateTokenState, FormData>(createTokenAction, INITIAL);
  const [dismissed, setDismissed] = useState<CreatedToken | null>(null);
  const created = state.created && state.created !== dismissed ? state.created : null;
  return (
    <div className="space-y-4">
      {created && <NewToken created={created} onDone={() => setDismissed(created)} />}
      <form action={action} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-[2fr_1fr_1fr]">
          <label className="block text-sm font-medium">
            Name
            <input name="name" required maxLength={100} placeholder="e.g. reporting job" defaultValue={state.name} autoComplete="off" className={FIELD} />
          </label>
          <label className="block text-sm font-medium">
            Role
            <select key={`role-${state.role}-${state.message}`} name="role" defaultValue={state.role} className={FIELD}>
              <option value="viewer">viewer (read only)</option>
              <option value="admin">admin</option>
            </select>
          </label>
          <label className="block text-sm font-medium">
            Expires
            <select key={`expiry-${state.expiry}-${state.message}`} name="expiry" defaultValue={state.expiry} className={FIELD}>
              <option value="30d">in 30 days</option>
              <option value="90d">in 90 days</option>
              <option value="1y">in 1 year</option>
              <option value="never">never</option>
            </select>
          </label>
        </div>
        <button
          type="submit"
          disabled={isPending}
          className="rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
        >
          {isPending ? "Creating…" : "Create token"}
        </button>
        {state.status === "error" && state.message && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {state.message}
          </p>
        )}
      </form>
    </div>
  );
}

/** The one time a token is visible: it lives only in this component's state, never in the page's HTML on reload. */
function NewToken({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  return (
    <section aria-labelledby="new-token-heading" className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <div>
        <p id="new-token-heading" className="text-sm font-semibold text-amber-900">
          Token “{created.name}” created ({created.role}
          {created.expiresAt ? `, expires ${created.expiresAt.slice(0, 10)}` : ", never expires"})
        </p>
        <p className="mt-1 text-sm text-amber-900">
          Copy it now: it is shown only this once. webhook-inbox keeps only a hash of it, so it cannot show it again. If it is lost, revoke it and create
          another.
        </p>
      </div>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <label htmlFor="new-api-token" className="sr-only">
          New API token
        </label>
        <input
          id="new-api-token"
          readOnly
          // biome-ignore lint/a11y/noAutofocus: the new token is shown once, right after the user asked for it: focused, it can be copied at once
          autoFocus
          value={created.token}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 py-2 font-mono text-xs text-slate-900"
        />
        <div className="flex gap-2">
          <CopyButton value={created.token} label="Copy token" />
          <button
            type="button"
            onClick={onDone}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100"
          >
            I have stored it
          </button>
        </div>
      </div>
      <p className="text-xs text-amber-900">
        Send it as <code className="font-mono">Authorization: Bearer …</code>.
      </p>
    </section>
  );
}
