"use client";

import { useActionState } from "react";
import { addPublicKeyAction, type AddPublicKeyState } from "@/app/(dashboard)/sources/actions.ts";
import { FormFeedback } from "./form-feedback.tsx";
import { Field } from "./field.tsx";
import { inputClass, primaryButtonClass } from "./styles.ts";

export function AddPublicKeyForm({ sourceId, keyType = "rsa" }: { sourceId: string; keyType?: "rsa" | "ed25519" }) {
  const [state, action, isPending] = useActionState<AddPublicKeyState, FormData>(addPublicKeyAction, { error: null });
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="sourceId" value={sourceId} />
      <Field
        label={keyType === "rsa" ? "Public key (PEM)" : "Public key (whpk_… or PEM)"}
        help={
          keyType === "ed25519" ? (
            <>
              The sender&apos;s ed25519 public key, as <span className="font-mono">whpk_</span> followed by base64, or as a{" "}
              <span className="font-mono">PUBLIC KEY</span> PEM. Never paste a private key (<span className="font-mono">whsk_</span>…): it would be refused and
              not kept.
            </>
          ) : (
            <>
              An RSA public key of at least 2048 bits, as <span className="font-mono">PUBLIC KEY</span> (SPKI) or{" "}
              <span className="font-mono">RSA PUBLIC KEY</span> (PKCS#1). Never paste a private key: it would be refused and not kept.
            </>
          )
        }
      >
        {(control) => (
          <textarea
            {...control}
            name="pem"
            required
            rows={7}
            spellCheck={false}
            autoComplete="off"
            placeholder={keyType === "ed25519" ? "whpk_…" : "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----"}
            className={`${inputClass} font-mono text-xs`}
          />
        )}
      </Field>
      <Field label="Label" isOptional>
        {(control) => <input {...control} name="label" maxLength={80} autoComplete="off" placeholder="Eden AI key 2026" className={inputClass} />}
      </Field>
      <FormFeedback error={state.error} />
      {state.added && (
        <div role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          <p>
            Added “{state.added.label}”: {state.added.bits ? `RSA ${state.added.bits}-bit key` : "ed25519 key"}. It verifies deliveries from now on.
          </p>
          <p className="mt-1 text-xs">
            SHA-256 fingerprint <span className="break-all font-mono">{state.added.fingerprint}</span>
          </p>
        </div>
      )}
      <button type="submit" disabled={isPending} className={primaryButtonClass}>
        {isPending ? "Checking…" : "Add public key"}
      </button>
    </form>
  );
}
