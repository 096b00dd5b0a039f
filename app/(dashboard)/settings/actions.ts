"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireActionOperator } from "@/lib/auth/require-operator.ts";
import { clientAddress } from "@/lib/http/client-address.ts";
import { retentionDaysSchema } from "@/lib/settings/retention-input.ts";
import { quarantineQuotaMibSchema, setQuarantineQuota } from "@/lib/settings/quarantine-quota.ts";
import { setRetentionSettings } from "@/lib/settings/set-retention-settings.ts";
import { describeActionError } from "../overview/describe-action-error.ts";

// The settings page's changes: the retention periods, the quarantine quota. A public endpoint like every server
// action: the role is checked first.

export interface RetentionState {
  error: string | null;
  message?: string | null;
}

export async function saveRetentionAction(_previous: RetentionState, form: FormData): Promise<RetentionState> {
  try {
    const actor = await requireActionOperator("admin");
    const quarantineDays = daysFrom(form, "quarantine");
    const imageDays = daysFrom(form, "image");
    const result = await setRetentionSettings({ actor, ip: await clientAddress(), quarantineDays, imageDays });
    revalidatePath("/settings");
    return { error: null, message: result.isChanged ? "Saved. Expired items are removed within a few minutes." : "Unchanged." };
  } catch (error) {
    return { error: describeActionError(error, "settings") };
  }
}

export async function saveQuarantineQuotaAction(_previous: RetentionState, form: FormData): Promise<RetentionState> {
  try {
    const actor = await requireActionOperator("admin");
    const text = String(form.get("quotaMib") ?? "").trim();
    const mib = quarantineQuotaMibSchema.parse(text === "" ? Number.NaN : Number(text));
    const result = await setQuarantineQuota({ actor, ip: await clientAddress(), mib });
    revalidatePath("/settings");
    return { error: null, message: result.isChanged ? "Saved. It applies to the next failed delivery." : "Unchanged." };
  } catch (error) {
    return { error: describeActionError(error, "settings") };
  }
}

/** `<prefix>Mode` is "forever" or "days"; with "days", `<prefix>Days` is the number. */
function daysFrom(form: FormData, prefix: string): number | null {
  const mode = z.enum(["forever", "days"], "Choose “keep forever” or a number of days.").parse(form.get(`${prefix}Mode`));
  if (mode === "forever") return null;
  const text = String(form.get(`${prefix}Days`) ?? "").trim();
  return retentionDaysSchema.parse(text === "" ? Number.NaN : Number(text));
}
