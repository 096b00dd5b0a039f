"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formatUtc } from "@/components/sources/format-time.ts";
import { type AdminWork, runAsAdmin } from "@/lib/auth/admin-action.ts";
import { addSourcePublicKey } from "@/lib/sources/add-source-public-key.ts";
import { addSourceSecret } from "@/lib/sources/add-source-secret.ts";
import { generateSecret } from "@/lib/sources/add-secret.ts";
import { createSource, SourceExistsError } from "@/lib/sources/create-source.ts";
import { deleteSource } from "@/lib/sources/delete-source.ts";
import { SourceError } from "@/lib/sources/errors.ts";
import { expiryFromPreset, OLD_SECRET_EXPIRY_PRESETS } from "@/lib/sources/expiry-presets.ts";
import { renameSource } from "@/lib/sources/rename-source.ts";
import { revokeCredential } from "@/lib/sources/revoke-credential.ts";
import { rotateSecret } from "@/lib/sources/rotate-secret.ts";
import { setSourceEnabled } from "@/lib/sources/set-source-enabled.ts";
import { sharedSecretSchema, slugSchema, sourceKindSchema } from "@/lib/sources/source-input.ts";
import { generateSecretFor, takesSecrets } from "@/lib/sources/source-kinds.ts";
import { schemeOptionsFromForm } from "@/lib/sources/scheme-options-form.ts";

// Every change to sources and credentials. Each action checks the operator's role itself (an
// action is reachable by a direct POST; Next checks its Origin against Host), validates its
// form, and answers with a state for useActionState. A generated secret travels back in that
// answer only, once; a pasted secret is never sent back, not even to refill a form.

export interface ActionState {
  error: string | null;
  /** What happened, for a polite live region. */
  message?: string | null;
}

/** A generated secret, in the one response that carries it. */
export interface OneTimeSecret {
  value: string;
  label: string;
  fingerprint: string;
}

export interface CreateSourceState extends ActionState {
  /** Given back so the form, which React resets after an action, keeps what was typed. */
  values: { kind: string; slug: string; name: string; options?: Record<string, string> };
  created?: { slug: string; name: string; secret: OneTimeSecret } | null;
}

export interface SecretState extends ActionState {
  secret?: OneTimeSecret | null;
}

export interface RotateState extends SecretState {
  oldExpiresAt?: string | null;
}

const uuid = z.uuid("this form is out of date: reload the page");
const nameSchema = z.string().trim().min(1, "Give the source a name.").max(100, "A name has at most 100 characters.");
const labelSchema = z.string().trim().max(80, "A label has at most 80 characters.");
const presetSchema = z.enum(OLD_SECRET_EXPIRY_PRESETS.map((preset) => preset.value) as [string, ...string[]], "Choose how long the old secret keeps working.");

export async function createSourceAction(_previous: CreateSourceState, form: FormData): Promise<CreateSourceState> {
  const options = Object.fromEntries(
    [...form.entries()]
      .filter(([field, value]) => field.startsWith("option.") && typeof value === "string")
      .map(([field, value]) => [field.slice(7), value as string]),
  );
  const values = { kind: text(form, "kind"), slug: text(form, "slug").trim(), name: text(form, "name").trim(), options };
  const input = z
    .object({
      kind: z.enum(sourceKindSchema.options, "Choose the kind of source."),
      slug: slugSchema,
      name: z.string().max(100, "A name has at most 100 characters."),
    })
    .safeParse({ kind: values.kind, slug: values.slug, name: values.name });
  if (!input.success) return { error: firstIssue(input.error), values };
  // A generated secret exists in clear only here and in this action's one response.
  const secret = takesSecrets(input.data.kind) && form.get("generateSecret") === "on" ? generateSecretFor(input.data.kind, generateSecret) : null;
  const schemeOptions = schemeOptionsFromForm(input.data.kind, form);
  const result = await asAdmin((changedBy) => createSource({ ...changedBy, ...input.data, schemeOptions, secret: secret ? Buffer.from(secret) : undefined }));
  if (!result.ok) return { error: result.error, values };
  revalidatePath("/sources");
  const { credentials, ...source } = result.value;
  const credential = credentials[0];
  // Without a secret to show once, the next step is the source's own page.
  if (!secret || !credential) redirect(`/sources/${source.slug}`);
  return {
    error: null,
    message: `Source ${source.slug} created.`,
    values: { kind: "maskit", slug: "", name: "" },
    created: { slug: source.slug, name: source.name, secret: { value: secret, label: credential.label, fingerprint: credential.fingerprint } },
  };
}

export async function renameSourceAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const input = z.object({ sourceId: uuid, name: nameSchema }).safeParse({ sourceId: text(form, "sourceId"), name: text(form, "name") });
  if (!input.success) return { error: firstIssue(input.error) };
  const result = await asAdmin((changedBy) => renameSource({ ...changedBy, ...input.data }));
  if (!result.ok) return { error: result.error };
  revalidateSource(result.value.slug);
  return { error: null, message: result.value.isChanged ? `Renamed to “${result.value.name}”.` : "The name is unchanged." };
}

export async function setSourceEnabledAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const input = z
    .object({ sourceId: uuid, enabled: z.enum(["true", "false"]) })
    .safeParse({ sourceId: text(form, "sourceId"), enabled: text(form, "enabled") });
  if (!input.success) return { error: firstIssue(input.error) };
  const isEnabled = input.data.enabled === "true";
  const result = await asAdmin((changedBy) => setSourceEnabled({ ...changedBy, sourceId: input.data.sourceId, isEnabled }));
  if (!result.ok) return { error: result.error };
  revalidateSource(result.value.slug);
  return { error: null, message: isEnabled ? "Source enabled: deliveries are received again." : "Source disabled: deliveries are now answered 404." };
}

export async function deleteSourceAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const input = z.object({ sourceId: uuid, confirmSlug: z.string() }).safeParse({ sourceId: text(form, "sourceId"), confirmSlug: text(form, "confirmSlug") });
  if (!input.success) return { error: firstIssue(input.error) };
  const result = await asAdmin((changedBy) => deleteSource({ ...changedBy, ...input.data }));
  if (!result.ok) return { error: result.error };
  revalidatePath("/sources");
  redirect(`/sources?deleted=${encodeURIComponent(result.value.slug)}`);
}

export async function addSecretAction(_previous: SecretState, form: FormData): Promise<SecretState> {
  const mode = text(form, "mode");
  const input = z
    .object({ sourceId: uuid, label: labelSchema, pastedSecret: mode === "paste" ? sharedSecretSchema : z.undefined() })
    .safeParse({ sourceId: text(form, "sourceId"), label: text(form, "label"), pastedSecret: mode === "paste" ? text(form, "secret") : undefined });
  if (!input.success) return { error: firstIssue(input.error) };
  const result = await asAdmin((changedBy) => addSourceSecret({ ...changedBy, ...input.data }));
  if (!result.ok) return { error: result.error };
  revalidateSource(result.value.sourceSlug);
  const { credential, secret } = result.value;
  return {
    error: null,
    message: `Secret “${credential.label}” added; it verifies deliveries from now on.`,
    secret: secret ? { value: secret, label: credential.label, fingerprint: credential.fingerprint } : null,
  };
}

export async function rotateSecretAction(_previous: RotateState, form: FormData): Promise<RotateState> {
  const input = z
    .object({ credentialId: uuid, preset: presetSchema, label: labelSchema })
    .safeParse({ credentialId: text(form, "credentialId"), preset: text(form, "preset"), label: text(form, "label") });
  if (!input.success) return { error: firstIssue(input.error) };
  const oldExpiresAt = expiryFromPreset(input.data.preset as (typeof OLD_SECRET_EXPIRY_PRESETS)[number]["value"]);
  const result = await asAdmin((changedBy) => rotateSecret({ ...changedBy, credentialId: input.data.credentialId, label: input.data.label, oldExpiresAt }));
  if (!result.ok) return { error: result.error };
  revalidateSource(result.value.sourceSlug);
  const { credential, secret, old } = result.value;
  return {
    error: null,
    message: `Rotated. “${old.label}” keeps verifying until ${formatUtc(old.expiresAt)}; then only the new secret does.`,
    secret: { value: secret, label: credential.label, fingerprint: credential.fingerprint },
    oldExpiresAt: old.expiresAt.toISOString(),
  };
}

export async function revokeCredentialAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const input = z.object({ credentialId: uuid }).safeParse({ credentialId: text(form, "credentialId") });
  if (!input.success) return { error: firstIssue(input.error) };
  const result = await asAdmin((changedBy) => revokeCredential({ ...changedBy, ...input.data }));
  if (!result.ok) return { error: result.error };
  revalidateSource(result.value.sourceSlug);
  const { label, remainingActive } = result.value;
  return {
    error: null,
    message:
      remainingActive === 0
        ? `“${label}” revoked. The source has no active credential left: every delivery now fails with 401.`
        : `“${label}” revoked. ${remainingActive} active credential${remainingActive === 1 ? "" : "s"} left.`,
  };
}

export interface AddPublicKeyState extends ActionState {
  /** bits: RSA keys only; null for an ed25519 key. */
  added?: { label: string; bits: number | null; fingerprint: string } | null;
}

export async function addPublicKeyAction(_previous: AddPublicKeyState, form: FormData): Promise<AddPublicKeyState> {
  const input = z
    .object({
      sourceId: uuid,
      label: labelSchema,
      pem: z.string().trim().min(1, "Paste the public key (PEM).").max(16_384, "That is too long for a public key."),
    })
    .safeParse({ sourceId: text(form, "sourceId"), label: text(form, "label"), pem: text(form, "pem") });
  if (!input.success) return { error: firstIssue(input.error) };
  const result = await asAdmin((changedBy) => addSourcePublicKey({ ...changedBy, ...input.data }));
  if (!result.ok) return { error: result.error };
  revalidateSource(result.value.sourceSlug);
  const { credential, bits } = result.value;
  return { error: null, message: `Key “${credential.label}” added.`, added: { label: credential.label, bits, fingerprint: credential.fingerprint } };
}

/** Runs `work` as the signed-in admin (lib/auth/admin-action.ts), with the sources' own errors in words. */
const asAdmin = <T>(work: AdminWork<T>) =>
  runAsAdmin(
    "sources",
    (error) => {
      if (error instanceof SourceError) return error.message;
      if (error instanceof SourceExistsError) return "A source with this slug already exists. Choose another slug.";
      return null;
    },
    work,
  );

function revalidateSource(slug: string): void {
  revalidatePath("/sources");
  revalidatePath(`/sources/${slug}`);
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function firstIssue(error: z.ZodError): string {
  const message = error.issues[0]?.message ?? "Check the form and try again.";
  return /[.!?:]$/.test(message) ? capitalize(message) : `${capitalize(message)}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
