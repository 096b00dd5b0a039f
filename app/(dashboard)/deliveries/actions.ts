"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z, ZodError } from "zod";
import { ForbiddenActionError, requireActionOperator } from "@/lib/auth/require-operator.ts";
import { deliveryFilterQuery, deliveryFilters } from "@/lib/deliveries/delivery-filters.ts";
import { clientAddress } from "@/lib/http/client-address.ts";
import { deleteQuarantinedDeliveries, deleteQuarantinedDelivery } from "@/lib/inspection/delete-quarantined.ts";
import { InspectionError } from "@/lib/inspection/errors.ts";
import { reverifyDelivery, type ReverifyResult } from "@/lib/inspection/reverify-delivery.ts";
import { isStorageUnavailable } from "@/lib/storage/storage-errors.ts";

// The inspector's changes: re-verify a quarantined delivery, delete one, delete all failed and
// rejected ones matching the log's filters. Each checks the admin role first (an action is a
// public endpoint; Next checks its Origin against Host), then validates its form. The audit
// entries are written by the library, in the transaction of each change.

export interface InspectorActionState {
  status: "idle" | "success" | "error";
  message: string | null;
  /** Set after a re-verification, so the page can tell a promotion from a refusal. */
  outcome?: ReverifyResult["outcome"];
}

const deliveryIdSchema = z.object({ deliveryId: z.uuid("this delivery does not exist: reload the page") });

const bulkSchema = z.object({
  filters: deliveryFilters,
  expectedCount: z.coerce.number().int().min(1, "there is nothing to delete"),
  countedAt: z.iso.datetime("this form is out of date: reload the page").transform((value) => new Date(value)),
});

export async function reverifyDeliveryAction(_previous: InspectorActionState, form: FormData): Promise<InspectorActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const { deliveryId } = deliveryIdSchema.parse(fields(form, ["deliveryId"]));
    const result = await reverifyDelivery({ deliveryId, actor, ip: await clientAddress() });
    if (result.outcome === "verified") {
      revalidatePath(`/deliveries/${deliveryId}`);
      revalidatePath("/deliveries");
      revalidatePath("/gallery");
    }
    return { status: result.outcome === "verified" ? "success" : "error", message: describeReverify(result), outcome: result.outcome };
  } catch (error) {
    return { status: "error", message: describeError(error) };
  }
}

export async function deleteQuarantinedDeliveryAction(_previous: InspectorActionState, form: FormData): Promise<InspectorActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const { deliveryId } = deliveryIdSchema.parse(fields(form, ["deliveryId"]));
    await deleteQuarantinedDelivery({ deliveryId, actor, ip: await clientAddress() });
    revalidatePath("/deliveries");
  } catch (error) {
    return { status: "error", message: describeError(error) };
  }
  // Outside the try: redirect() works by throwing.
  redirect("/deliveries?deleted=1");
}

export async function deleteQuarantinedDeliveriesAction(_previous: InspectorActionState, form: FormData): Promise<InspectorActionState> {
  let query: URLSearchParams;
  try {
    const actor = await requireActionOperator("admin");
    const input = bulkSchema.parse({
      filters: fields(form, ["source", "status", "q", "from", "to"]),
      expectedCount: form.get("expectedCount"),
      countedAt: form.get("countedAt"),
    });
    const { deleted } = await deleteQuarantinedDeliveries({ ...input, receivedUpTo: input.countedAt, actor, ip: await clientAddress() });
    revalidatePath("/deliveries");
    query = new URLSearchParams(deliveryFilterQuery(input.filters));
    query.set("deleted", String(deleted));
  } catch (error) {
    return { status: "error", message: describeError(error) };
  }
  // Back to the same filtered log, which says how many went.
  redirect(`/deliveries?${query}`);
}

function describeReverify(result: ReverifyResult): string {
  switch (result.outcome) {
    case "verified":
      return `Verified with “${result.credential.label}”${result.form ? ` (${result.form} form)` : ""}.${result.imageCount > 0 ? ` ${result.imageCount === 1 ? "Its image is" : `Its ${result.imageCount} images are`} now in the gallery.` : ""}`;
    case "duplicate":
      return `The signature matches “${result.credential.label}”, but this body was already verified as another delivery (${result.duplicateOf}). Nothing was changed; you can delete this copy.`;
    case "no_match":
      return `Still no match, nothing was changed: ${withoutFinalStop(result.reason)}.`;
    case "still_refused":
      return `The receiver would still refuse this delivery, nothing was changed: ${withoutFinalStop(result.reason)}.`;
    case "nothing_to_verify":
      return result.reason;
  }
}

/** An operator-friendly sentence for what went wrong; anything unexpected is rethrown. */
function describeError(error: unknown): string {
  // "This needs the admin role." or "Your session has ended: sign in again."
  if (error instanceof ForbiddenActionError) return `${capitalize(error.message)}.`;
  if (error instanceof ZodError) return `${capitalize(error.issues.map((issue) => issue.message).join("; "))}.`;
  if (error instanceof InspectionError) return error.message;
  if (isStorageUnavailable(error)) return "The database is unavailable right now; nothing was changed. Try again in a moment.";
  throw error;
}

/** The named text fields of a form; an absent field is undefined, as the schemas expect. */
function fields(form: FormData, names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, typeof form.get(name) === "string" ? (form.get(name) as string) : undefined]));
}

function withoutFinalStop(text: string): string {
  return text.replace(/\.$/, "");
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
