"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z, ZodError } from "zod";
import { ForbiddenActionError, requireActionOperator } from "@/lib/auth/require-operator.ts";
import { deliveryFilterQuery, deliveryFilters } from "@/lib/deliveries/delivery-filters.ts";
import { replayDelivery, ReplayRefusedError } from "@/lib/forwarding/replay-delivery.ts";
import { ReplayCountChangedError, replayFiltered } from "@/lib/forwarding/replay-filtered.ts";
import { clientAddress } from "@/lib/http/client-address.ts";
import { isStorageUnavailable } from "@/lib/storage/storage-errors.ts";

// Replay from the dashboard: one delivery from the inspector (to one destination or all), or
// every delivery of the log's filtered view once the admin confirmed the count shown. The same
// library functions as POST /api/deliveries/<id>/replay and /api/deliveries/replay, which write
// the audit entries. The role is checked before the form is read (an action is a public endpoint).

export interface ReplayActionState {
  status: "idle" | "success" | "error";
  message: string | null;
}

const replayOneSchema = z.object({
  deliveryId: z.uuid("this delivery does not exist: reload the page"),
  /** Empty: every destination of the delivery's source. */
  destinationId: z.preprocess((value) => (value === "" ? undefined : value), z.uuid("that destination does not exist: reload the page").optional()),
});

const replayViewSchema = z.object({
  filters: deliveryFilters,
  expectedCount: z.coerce.number().int().min(1, "there is nothing to resend"),
});

const FILTER_FIELDS = ["source", "status", "q", "from", "to", "forwarding"];

export async function replayDeliveryAction(_previous: ReplayActionState, form: FormData): Promise<ReplayActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const input = replayOneSchema.parse(fields(form, ["deliveryId", "destinationId"]));
    const result = await replayDelivery({ ...input, actor, ip: await clientAddress() });
    if (!result) return { status: "error", message: "This delivery no longer exists." };
    revalidatePath(`/deliveries/${input.deliveryId}`);
    const where = result.destinations === 1 ? "1 destination" : `${result.destinations} destinations`;
    const paused = result.destinations - result.queued;
    return { status: "success", message: `Resending to ${where}${paused > 0 ? ` (${paused} paused: sent when resumed)` : ""}.` };
  } catch (error) {
    return { status: "error", message: describeError(error) };
  }
}

/** Back to the same filtered log, which says how many were resent (the button itself may be gone: nothing left to resend). */
export async function replayFilteredAction(_previous: ReplayActionState, form: FormData): Promise<ReplayActionState> {
  let query: URLSearchParams;
  try {
    const actor = await requireActionOperator("admin");
    const input = replayViewSchema.parse({ filters: fields(form, FILTER_FIELDS), expectedCount: form.get("expectedCount") });
    const { deliveries, queued } = await replayFiltered({ ...input, actor, ip: await clientAddress() });
    revalidatePath("/deliveries");
    query = new URLSearchParams(deliveryFilterQuery(input.filters));
    query.set("resent", String(deliveries));
    query.set("queued", String(queued));
  } catch (error) {
    if (error instanceof ReplayCountChangedError)
      return { status: "error", message: `This view changed: it now holds ${error.count} verified deliveries. Reload the page and confirm again.` };
    return { status: "error", message: describeError(error) };
  }
  // Outside the try: redirect() works by throwing.
  redirect(`/deliveries?${query}`);
}

function describeError(error: unknown): string {
  if (error instanceof ForbiddenActionError) return `${capitalize(error.message)}.`;
  if (error instanceof ZodError) return `${capitalize(error.issues.map((issue) => issue.message).join("; "))}.`;
  if (error instanceof ReplayRefusedError) return `${capitalize(error.message)}.`;
  if (isStorageUnavailable(error)) return "The database is unavailable right now; nothing was resent. Try again in a moment.";
  throw error;
}

function fields(form: FormData, names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, typeof form.get(name) === "string" ? (form.get(name) as string) : undefined]));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
