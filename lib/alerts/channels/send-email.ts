import nodemailer from "nodemailer";
import { getConfig } from "../../config.ts";
import { subjectOf, textOf, type AlertMessage } from "../alert-message.ts";
import type { ChannelConfig } from "./channel-config.ts";

/** One email to every recipient of the channel, through its SMTP server or SMTP_URL. */
export async function sendEmail(config: Extract<ChannelConfig, { kind: "email" }>, message: AlertMessage, timeoutMs: number): Promise<void> {
  const { SMTP_URL, ALERT_FROM } = getConfig();
  const smtpUrl = config.smtpUrl ?? SMTP_URL;
  if (!smtpUrl) throw new Error("no SMTP server: set SMTP_URL or give the channel its own");
  // Every phase of the SMTP conversation is bounded, so a server that accepts the connection and
  // then says nothing cannot hold the send past its timeout.
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  try {
    await transport.sendMail({
      from: ALERT_FROM,
      to: config.to,
      subject: subjectOf(message),
      text: textOf(message),
      headers: { "X-Webhook-Inbox-Notification": message.notificationId },
    });
  } finally {
    transport.close();
  }
}
