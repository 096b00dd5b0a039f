"use client";

import { useActionState } from "react";
import { revokeCredentialAction, type ActionState } from "@/app/(dashboard)/sources/actions.ts";
import { Dialog } from "./dialog.tsx";
import { FormFeedback } from "./form-feedback.tsx";
import { dangerButtonClass, secondaryButtonClass, smallDangerButtonClass } from "./styles.ts";

interface Props {
  credential: { id: string; label: string; fingerprint: string; kind: "hmac_secret" | "rsa_public_key" | "ed25519_public_key" };
  /** Whether no other credential would still verify deliveries. */
  isLastActive: boolean;
}

export function RevokeCredentialDialog({ credential, isLastActive }: Props) {
  return (
    <Dialog
      trigger={
        <>
          Revoke<span className="sr-only"> {credential.label}</span>
        </>
      }
      triggerClassName={smallDangerButtonClass}
      title={`Revoke “${credential.label}”?`}
    >
      {(close) => <RevokeCredentialForm credential={credential} isLastActive={isLastActive} onCancel={close} />}
    </Dialog>
  );
}

function RevokeCredentialForm({ credential, isLastActive, onCancel }: Props & { onCancel: () => void }) {
  const [state, action, isPending] = useActionState<ActionState, FormData>(revokeCredentialAction, { error: null });
  const noun = credential.kind === "hmac_secret" ? "secret" : "key";
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="credentialId" value={credential.id} />
      <div className="space-y-2 text-slate-700">
        <p>
          From now on, deliveries signed with this {noun} (fingerprint <span className="break-all font-mono text-xs">{credential.fingerprint}</span>) fail with
          401. Deliveries it already verified stay in the log and still show that it matched.
        </p>
        <p>A revoked {noun} cannot be restored, nor added to this source again.</p>
        {isLastActive && (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">
            This is the source&apos;s only active credential: every delivery will fail until you add another one.
          </p>
        )}
      </div>
      <FormFeedback error={state.error} message={state.message} />
      <div className="flex flex-wrap justify-end gap-2">
        <button type="button" onClick={onCancel} className={secondaryButtonClass}>
          Cancel
        </button>
        <button type="submit" disabled={isPending} className={dangerButtonClass}>
          {isPending ? "Revoking…" : `Revoke ${noun}`}
        </button>
      </div>
    </form>
  );
}
