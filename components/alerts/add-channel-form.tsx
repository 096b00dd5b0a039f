"use client";

import { useActionState, useState } from "react";
import { addChannelAction, type AlertActionState } from "@/app/(dashboard)/alerts/actions.ts";
import { FormFeedback } from "@/components/sources/form-feedback.tsx";
import { helpClass, inputClass, primaryButtonClass } from "@/components/sources/styles.ts";
import { CopyButton } from "@/components/ui/copy-button.tsx";

/** Admins: a new channel. Its URL or SMTP password is sent once and never shown again. */
export function AddChannelForm() {
  const [state, action, isPending] = useActionState<AlertActionState, FormData>(addChannelAction, { error: null });
  const [kind, setKind] = useState<"email" | "slack" | "webhook">("email");
  return (
    <div className="space-y-3">
      {state.signingSecret && <SigningSecret secret={state.signingSecret} />}
      {/* A plain form action: React clears the fields afterwards, so a pasted URL does not linger in the page. */}
      <form action={action} className="space-y-3" aria-label="Add a channel">
        <div className="grid gap-3 sm:grid-cols-[1fr_2fr]">
          <label className="block text-sm font-medium">
            Kind
            <select name="channelKind" value={kind} onChange={(event) => setKind(event.target.value as typeof kind)} className={inputClass}>
              <option value="email">Email (SMTP)</option>
              <option value="slack">Slack-compatible chat</option>
              <option value="webhook">Webhook (Standard Webhooks)</option>
            </select>
          </label>
          <label className="block text-sm font-medium">
            Name
            <input name="name" required maxLength={80} placeholder="e.g. on-call" autoComplete="off" className={inputClass} />
          </label>
        </div>
        {kind === "email" ? (
          <>
            <label className="block text-sm font-medium">
              Addresses
              <input name="addresses" required placeholder="ops@example.com, oncall@example.com" autoComplete="off" className={inputClass} />
              <span className={helpClass}>One or more, separated by commas.</span>
            </label>
            <label className="block text-sm font-medium">
              SMTP server (optional)
              <input name="smtpUrl" type="password" placeholder="smtp://user:password@mail.example.com:587" autoComplete="off" className={inputClass} />
              <span className={helpClass}>Empty: the server in SMTP_URL. Kept encrypted, never shown again.</span>
            </label>
          </>
        ) : (
          <label className="block text-sm font-medium">
            {kind === "slack" ? "Incoming-webhook URL" : "URL"}
            <input name="url" type="password" required placeholder="https://…" autoComplete="off" className={inputClass} />
            <span className={helpClass}>
              {kind === "slack"
                ? "Slack, Mattermost and Rocket.Chat incoming webhooks accept the same message. "
                : "Signed with Standard Webhooks headers; the secret is shown once after adding. "}
              Kept encrypted, never shown again.
            </span>
          </label>
        )}
        <button type="submit" disabled={isPending} className={primaryButtonClass}>
          {isPending ? "Adding…" : "Add channel"}
        </button>
        <FormFeedback error={state.error} message={state.message} />
      </form>
    </div>
  );
}

function SigningSecret({ secret }: { secret: string }) {
  return (
    <section aria-label="New signing secret" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
      <p className="font-semibold text-amber-900">Copy the signing secret now. It will not be shown again.</p>
      <p className="text-amber-900/80">The receiver verifies each alert&apos;s webhook-signature header with it (Standard Webhooks).</p>
      <div className="flex items-start gap-2">
        <code data-secret className="min-w-0 flex-1 break-all rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-slate-900 select-all">
          {secret}
        </code>
        <CopyButton value={secret} label="Copy secret" />
      </div>
    </section>
  );
}
