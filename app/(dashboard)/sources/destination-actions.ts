"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type AdminWork, runAsAdmin } from "@/lib/auth/admin-action.ts";
import { RefusedDestinationError } from "@/lib/forwarding/address-policy.ts";
import { createDestination } from "@/lib/forwarding/create-destination.ts";
import { DestinationNotFoundError } from "@/lib/forwarding/destination-errors.ts";
import { removeDestination } from "@/lib/forwarding/remove-destination.ts";
import { setDestinationEnabled } from "@/lib/forwarding/set-destination-enabled.ts";
import { SourceError } from "@/lib/sources/errors.ts";
import type { ActionState } from "./actions.ts";

// Forwarding destinations on a source's page (admins). The signing secret travels back in the
// add action's one response only; the audit entry is written with each change (lib/forwarding).

export interface AddDestinationState extends ActionState {
  created?: { name: string; url: string; secret: string } | null;
}

const uuid = z.uuid("this form is out of date: reload the page");

export async function addDestinationAction(_previous: AddDestinationState, form: FormData): Promise<AddDestinationState> {
  const input = z
    .object({
      slug: z.string().min(1),
      url: z.string().trim().min(1, "Enter the destination's URL.").max(2048, "That URL is too long."),
      name: z.string().trim().max(100, "A name has at most 100 characters."),
    })
    .safeParse({ slug: text(form, "slug"), url: text(form, "url"), name: text(form, "name") });
  if (!input.success) return { error: input.error.issues[0]?.message ?? "Check the form." };
  const result = await asAdmin((changedBy) => createDestination({ ...changedBy, source: input.data.slug, url: input.data.url, name: input.data.name }));
  if (!result.ok) return { error: result.error };
  revalidatePath(`/sources/${input.data.slug}`);
  const { destination, secret } = result.value;
  return {
    error: null,
    message: `Destination “${destination.name}” added: verified deliveries are forwarded to it from now on.`,
    created: { name: destination.name, url: destination.url, secret },
  };
}

export async function setDestinationEnabledAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const input = z
    .object({ destinationId: uuid, enabled: z.enum(["true", "false"]), slug: z.string() })
    .safeParse({ destinationId: text(form, "destinationId"), enabled: text(form, "enabled"), slug: text(form, "slug") });
  if (!input.success) return { error: input.error.issues[0]?.message ?? "Check the form." };
  const isEnabled = input.data.enabled === "true";
  const result = await asAdmin((changedBy) => setDestinationEnabled({ ...changedBy, destinationId: input.data.destinationId, isEnabled }));
  if (!result.ok) return { error: result.error };
  revalidatePath(`/sources/${input.data.slug}`);
  return {
    error: null,
    message: isEnabled ? `Resumed; ${result.value.resent} waiting deliveries are being sent.` : "Paused: deliveries wait until it is resumed.",
  };
}

export async function removeDestinationAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const input = z.object({ destinationId: uuid, slug: z.string() }).safeParse({ destinationId: text(form, "destinationId"), slug: text(form, "slug") });
  if (!input.success) return { error: input.error.issues[0]?.message ?? "Check the form." };
  const result = await asAdmin((changedBy) => removeDestination({ ...changedBy, destinationId: input.data.destinationId }));
  if (!result.ok) return { error: result.error };
  revalidatePath(`/sources/${input.data.slug}`);
  return { error: null, message: `Destination “${result.value.name}” removed.` };
}

/** Runs `work` as the signed-in admin (lib/auth/admin-action.ts), with the destinations' own errors in words. */
const asAdmin = <T>(work: AdminWork<T>) =>
  runAsAdmin(
    "destination",
    (error) => {
      if (error instanceof RefusedDestinationError || error instanceof SourceError) return `${error.message}.`.replace(/\.\.$/, ".");
      if (error instanceof DestinationNotFoundError) return "This destination no longer exists; reload the page.";
      return null;
    },
    work,
  );

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
