"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { generateSigningSecret, parseAddresses, type ChannelConfig } from "@/lib/alerts/channels/channel-config.ts";
import { createChannel } from "@/lib/alerts/channels/create-channel.ts";
import { removeChannel } from "@/lib/alerts/channels/remove-channel.ts";
import { ruleParamsFromForm } from "@/lib/alerts/rules/rule-form.ts";
import { createRule } from "@/lib/alerts/rules/create-rule.ts";
import { removeRule } from "@/lib/alerts/rules/remove-rule.ts";
import { sendTestAlert } from "@/lib/alerts/send-test-alert.ts";
import { requireActionOperator } from "@/lib/auth/require-operator.ts";
import { clientAddress } from "@/lib/http/client-address.ts";
import { describeAlertActionError } from "./describe-alert-action-error.ts";

// The Alerts page's changes. Every function exported here is a public endpoint: the role is
// checked before anything is read from the form. A webhook channel's signing secret travels
// once, in the answer to the admin who created it.

export interface AlertActionState {
  error: string | null;
  message?: string | null;
  /** A new webhook channel's signing secret, shown once. */
  signingSecret?: string | null;
}

export async function addChannelAction(_previous: AlertActionState, form: FormData): Promise<AlertActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const kind = z.enum(["email", "slack", "webhook"], { error: "Choose email, Slack or webhook." }).parse(form.get("channelKind"));
    const url = String(form.get("url") ?? "").trim();
    const smtpUrl = String(form.get("smtpUrl") ?? "").trim();
    const config: ChannelConfig =
      kind === "email"
        ? { kind, to: parseAddresses(String(form.get("addresses") ?? "")), smtpUrl: smtpUrl || undefined }
        : kind === "slack"
          ? { kind, url }
          : { kind, url, secret: generateSigningSecret() };
    const channel = await createChannel({ actor, ip: await clientAddress(), name: String(form.get("name") ?? ""), config });
    revalidatePath("/alerts");
    return { error: null, message: `Channel "${channel.name}" added.`, signingSecret: config.kind === "webhook" ? config.secret : null };
  } catch (error) {
    return { error: describeAlertActionError(error) };
  }
}

export async function removeChannelAction(_previous: AlertActionState, form: FormData): Promise<AlertActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const channelId = z.uuid("This form is out of date: reload the page.").parse(form.get("channelId"));
    const channel = await removeChannel({ actor, ip: await clientAddress(), idOrName: channelId });
    revalidatePath("/alerts");
    return { error: null, message: `Channel "${channel.name}" removed.` };
  } catch (error) {
    return { error: describeAlertActionError(error) };
  }
}

export async function sendTestAlertAction(_previous: AlertActionState, form: FormData): Promise<AlertActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const channelId = z.uuid("This form is out of date: reload the page.").parse(form.get("channelId"));
    const outcome = await sendTestAlert({ actor, ip: await clientAddress(), channelId });
    revalidatePath("/alerts");
    if (outcome.status === "sent") return { error: null, message: "Test alert sent." };
    return { error: `Sending failed: ${outcome.lastError ?? "unknown error"}. ${outcome.status === "failed" ? "Gave up." : "It will be retried."}` };
  } catch (error) {
    return { error: describeAlertActionError(error) };
  }
}

export async function addRuleAction(_previous: AlertActionState, form: FormData): Promise<AlertActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const kind = String(form.get("ruleKind") ?? "");
    const sourceSlug = String(form.get("ruleSource") ?? "") || null;
    await createRule({ actor, ip: await clientAddress(), kind, sourceSlug, params: ruleParamsFromForm(kind, form) });
    revalidatePath("/alerts");
    return { error: null, message: "Rule added: it is checked on the next evaluation." };
  } catch (error) {
    return { error: describeAlertActionError(error) };
  }
}

export async function removeRuleAction(_previous: AlertActionState, form: FormData): Promise<AlertActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const ruleId = z.uuid("This form is out of date: reload the page.").parse(form.get("ruleId"));
    await removeRule({ actor, ip: await clientAddress(), ruleId });
    revalidatePath("/alerts");
    return { error: null, message: "Rule removed." };
  } catch (error) {
    return { error: describeAlertActionError(error) };
  }
}
