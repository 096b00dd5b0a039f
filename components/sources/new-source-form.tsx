"use client";

import Link from "next/link";
import { useActionState, useLayoutEffect, useState } from "react";
import { createSourceAction, type CreateSourceState } from "@/app/(dashboard)/sources/actions.ts";
import { Field } from "./field.tsx";
import { FormFeedback } from "./form-feedback.tsx";
import { OneTimeSecret } from "./one-time-secret.tsx";
import { SchemeOptionsFields } from "./scheme-options-fields.tsx";
import { helpClass, inputClass, primaryButtonClass } from "./styles.ts";

const INITIAL: CreateSourceState = { error: null, values: { kind: "maskit", slug: "", name: "" } };

export function NewSourceForm() {
  const [generation, setGeneration] = useState(0);
  // A secret shown here must not survive in a page kept hidden after navigation (see Dialog).
  useLayoutEffect(() => () => setGeneration((value) => value + 1), []);
  return <NewSourceFormBody key={generation} onDone={() => setGeneration((value) => value + 1)} />;
}

function NewSourceFormBody({ onDone }: { onDone: () => void }) {
  const [state, action, isPending] = useActionState(createSourceAction, INITIAL);
  const [kind, setKind] = useState(state.values.kind);
  if (state.created) {
    return (
      <div className="space-y-3">
        <FormFeedback error={null} message={state.message} />
        <OneTimeSecret secret={state.created.secret} />
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <Link href={`/sources/${state.created.slug}`} className={primaryButtonClass}>
            Open {state.created.name}
          </Link>
          <button type="button" onClick={onDone} className="text-slate-600 underline underline-offset-2 hover:text-slate-900">
            Create another source
          </button>
        </div>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-4">
      <fieldset>
        <legend className="text-sm font-medium">Kind</legend>
        <div className="mt-1 grid gap-2 sm:grid-cols-2">
          {KINDS.map((option) => (
            <label
              key={option.value}
              className="flex cursor-pointer items-start gap-2 rounded-md border border-slate-200 p-3 text-sm has-[:checked]:border-slate-500 has-[:checked]:bg-slate-50"
            >
              <input
                type="radio"
                name="kind"
                value={option.value}
                defaultChecked={state.values.kind === option.value}
                onChange={() => setKind(option.value)}
                className="mt-0.5"
              />
              <span>
                <span className="font-medium">{option.label}</span>
                <span className="block text-xs text-slate-500">{option.help}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Slug"
          help={
            <>
              Lowercase letters, digits and inner hyphens. It is part of the receiver URL, <span className="font-mono">/api/webhooks/&lt;slug&gt;</span>, and
              cannot be changed later.
            </>
          }
        >
          {(control) => (
            <input
              {...control}
              name="slug"
              required
              autoComplete="off"
              spellCheck={false}
              defaultValue={state.values.slug}
              placeholder="lobby-camera"
              className={`${inputClass} font-mono`}
            />
          )}
        </Field>
        <Field label="Name" isOptional help="The slug is used if empty. It can be changed later.">
          {(control) => (
            <input
              {...control}
              name="name"
              maxLength={100}
              autoComplete="off"
              defaultValue={state.values.name}
              placeholder="Lobby camera"
              className={inputClass}
            />
          )}
        </Field>
      </div>
      {/* Keyed on the answer: a select's defaultValue applies only when it mounts, and React resets the form after an action. */}
      <SchemeOptionsFields key={JSON.stringify(state.values)} kind={kind} values={state.values.kind === kind ? state.values.options : undefined} />
      {kind !== "edenai" ? (
        <div className="flex items-start gap-2 text-sm">
          <input
            key={kind}
            type="checkbox"
            id="new-source-generate"
            name="generateSecret"
            defaultChecked={kind !== "stripe"}
            aria-describedby="new-source-generate-help"
            className="mt-1"
          />
          <div>
            <label htmlFor="new-source-generate">Generate the first shared secret now</label>
            <p id="new-source-generate-help" className={helpClass}>
              It is shown once, right after the source is created. Without a secret, deliveries fail until you add one.
              {kind === "stripe" && " Stripe makes the signing secret itself: leave this off and paste Stripe's whsec_ secret on the source page."}
            </p>
          </div>
        </div>
      ) : (
        <p className="text-xs text-slate-500">
          An Eden AI source trusts Eden AI&apos;s published public key from the start; you can add your own keys on its page.
        </p>
      )}
      <FormFeedback error={state.error} />
      <button type="submit" disabled={isPending} className={primaryButtonClass}>
        {isPending ? "Creating…" : "Create source"}
      </button>
    </form>
  );
}

const KINDS = [
  { value: "maskit", label: "MaskIt", help: "Multipart images signed with a shared secret (HMAC-SHA256)." },
  { value: "edenai", label: "Eden AI", help: "JSON job results signed with RSA; verified with public keys." },
  {
    value: "standard-webhooks",
    label: "Standard Webhooks",
    help: "webhook-id, webhook-timestamp, webhook-signature: whsec_ secrets (v1) or ed25519 keys (v1a).",
  },
  { value: "github", label: "GitHub", help: "X-Hub-Signature-256 (HMAC-SHA256 of the body) with the webhook's secret." },
  { value: "stripe", label: "Stripe", help: "Stripe-Signature (t=…, v1=…) with the endpoint's whsec_ signing secret." },
  { value: "hmac", label: "Generic HMAC", help: "Your own header, algorithm, encoding, prefix and signed string." },
];
