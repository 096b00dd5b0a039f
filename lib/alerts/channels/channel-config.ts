import { randomBytes } from "node:crypto";
import { z } from "zod";

// What each kind of channel needs to send. All of it is kept encrypted (a Slack or webhook URL
// is itself a credential: whoever has it can post); only `summarizeChannel` is ever shown.

const httpUrl = z.url({ protocol: /^https?$/, error: "Enter an http:// or https:// URL." });

export const emailConfigSchema = z.object({
  kind: z.literal("email"),
  to: z.array(z.email("Enter valid email addresses.")).min(1, "Enter at least one address.").max(20, "At most 20 addresses."),
  /** This channel's own SMTP server (its password included); otherwise SMTP_URL. */
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "The SMTP server must be an smtp:// or smtps:// URL.")
    .optional(),
});

export const slackConfigSchema = z.object({ kind: z.literal("slack"), url: httpUrl });

export const webhookConfigSchema = z.object({
  kind: z.literal("webhook"),
  url: httpUrl,
  /** Standard Webhooks signing secret, `whsec_<base64>`. */
  secret: z.string().startsWith("whsec_"),
});

export const channelConfigSchema = z.discriminatedUnion("kind", [emailConfigSchema, slackConfigSchema, webhookConfigSchema]);

export type ChannelConfig = z.infer<typeof channelConfigSchema>;
export type ChannelKind = ChannelConfig["kind"];

export const channelNameSchema = z.string().trim().min(1, "Give the channel a name.").max(80, "At most 80 characters.");

/** Addresses as an operator types them: separated by commas, spaces or new lines. */
export function parseAddresses(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

/** A new signing secret in Standard Webhooks' form: 24 random bytes, base64. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** What may be shown about a channel: the recipients, or only the host it posts to. */
export function summarizeChannel(config: ChannelConfig): string {
  if (config.kind === "email") return `${config.to.join(", ")}${config.smtpUrl ? ` via ${new URL(config.smtpUrl).host}` : ""}`;
  return `POST to ${new URL(config.url).host}`;
}
