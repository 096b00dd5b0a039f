import { generateSigningSecret, parseAddresses, type ChannelConfig } from "../../lib/alerts/channels/channel-config.ts";
import { createChannel } from "../../lib/alerts/channels/create-channel.ts";
import { listChannels } from "../../lib/alerts/channels/list-channels.ts";
import { removeChannel } from "../../lib/alerts/channels/remove-channel.ts";
import { readStdin } from "./read-stdin.ts";

// `channel add|list|remove`. A Slack or webhook URL is a credential; give it with --url, or with
// --url-stdin to keep it out of the shell history. A webhook channel's signing secret is printed
// once, alone on the last line, in Standard Webhooks' `whsec_` form.

type Flags = Record<string, string | boolean | undefined>;
const CLI_ACTOR = { kind: "system", name: "command line" } as const;

export async function addChannelCommand(flags: Flags, usage: (message: string) => Error): Promise<void> {
  const kind = flags.kind;
  const name = typeof flags.name === "string" && flags.name ? flags.name : undefined;
  if (!name) throw usage("--name is required");
  let config: ChannelConfig;
  if (kind === "email") {
    if (typeof flags.address !== "string") throw usage("--address is required for an email channel (one or more, separated by commas)");
    const smtpUrl = flags["smtp-url-stdin"] ? (await readStdin({ prompt: "SMTP URL (smtp://user:password@host:port): ", isSecret: true })).trim() : undefined;
    config = { kind, to: parseAddresses(flags.address), smtpUrl };
  } else if (kind === "slack" || kind === "webhook") {
    const url = flags["url-stdin"] ? (await readStdin({ prompt: "URL: ", isSecret: true })).trim() : flags.url;
    if (typeof url !== "string" || !url) throw usage(`--url (or --url-stdin) is required for a ${kind} channel`);
    config = kind === "slack" ? { kind, url } : { kind, url, secret: generateSigningSecret() };
  } else {
    throw usage("--kind must be email, slack or webhook");
  }
  const channel = await createChannel({ name, config, actor: CLI_ACTOR });
  console.log(`alert channel "${channel.name}" (${channel.kind}) added: ${channel.summary}`);
  if (config.kind === "webhook") {
    console.log("signing secret (Standard Webhooks; shown once, store it now):");
    console.log(config.secret);
  }
}

export async function listChannelsCommand(): Promise<void> {
  const channels = await listChannels();
  if (channels.length === 0) console.log("no alert channels");
  for (const channel of channels) console.log(`${channel.id}  ${channel.kind.padEnd(7)}  ${channel.name}  (${channel.summary})`);
}

export async function removeChannelCommand(flags: Flags, usage: (message: string) => Error): Promise<void> {
  const target = typeof flags.name === "string" ? flags.name : typeof flags.id === "string" ? flags.id : undefined;
  if (!target) throw usage("give --name N or --id ID");
  const channel = await removeChannel({ idOrName: target, actor: CLI_ACTOR });
  console.log(`alert channel "${channel.name}" removed`);
}
