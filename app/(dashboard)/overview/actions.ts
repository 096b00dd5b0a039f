"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formatMinutes } from "@/components/overview/format-minutes.ts";
import { requireActionOperator } from "@/lib/auth/require-operator.ts";
import { clientAddress } from "@/lib/http/client-address.ts";
import { setSilenceAlert } from "@/lib/overview/set-silence-alert.ts";
import { silenceAlertSchema } from "@/lib/overview/silence-input.ts";
import { describeActionError } from "./describe-action-error.ts";

// The overview's one change: a source's silence threshold. Every function exported here is a
// public endpoint: the role is checked before anything is read from the form.

export interface SilenceAlertState {
  error: string | null;
  message?: string | null;
}

export async function setSilenceAlertAction(_previous: SilenceAlertState, form: FormData): Promise<SilenceAlertState> {
  try {
    const actor = await requireActionOperator("admin");
    const sourceId = z.uuid("This form is out of date: reload the page.").parse(form.get("sourceId"));
    const minutes = silenceAlertSchema.parse({ unit: form.get("silenceUnit"), amount: form.get("silenceAmount") });
    const result = await setSilenceAlert({ actor, ip: await clientAddress(), sourceId, minutes });
    revalidatePath("/overview");
    const setting = minutes === null ? "Silence alert off." : `Warns after ${formatMinutes(minutes)} without a delivery.`;
    return { error: null, message: result.isChanged ? setting : `Unchanged. ${setting}` };
  } catch (error) {
    return { error: describeActionError(error, "overview") };
  }
}
