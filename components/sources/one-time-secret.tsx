"use client";

import { CopyButton } from "@/components/ui/copy-button.tsx";
import type { OneTimeSecret as Secret } from "@/app/(dashboard)/sources/actions.ts";

/** A secret just generated, in the one response that carries it: copy it now or never. */
export function OneTimeSecret({ secret, onDone }: { secret: Secret; onDone?: () => void }) {
  return (
    <section aria-label="New shared secret" className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
      <div>
        <p className="font-semibold text-amber-900">Copy this secret now. It will not be shown again.</p>
        <p className="mt-1 text-amber-900/80">
          webhook-inbox keeps it encrypted and cannot display it later. Enter it in MaskIt as the webhook&apos;s signing secret. If it is lost, rotate it.
        </p>
      </div>
      <div className="flex items-start gap-2">
        {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: names the value for screen readers and for the tests that read it */}
        <code
          data-secret
          className="min-w-0 flex-1 break-all rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-sm text-slate-900 select-all"
          aria-label="Secret value"
        >
          {secret.value}
        </code>
        <span className="shrink-0 whitespace-nowrap">
          <CopyButton value={secret.value} label="Copy secret" />
        </span>
      </div>
      <p className="text-xs text-amber-900/80">
        Label “{secret.label}”, fingerprint <span className="font-mono">{secret.fingerprint}</span> (the fingerprint is what the log and this page show from now
        on).
      </p>
      {onDone && (
        <button type="button" onClick={onDone} className="rounded-md bg-amber-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-800">
          I have stored it
        </button>
      )}
    </section>
  );
}
