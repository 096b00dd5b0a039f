// webhook-inbox sender: `npm run send -- <command>`. Signs deliveries exactly as MaskIt, Eden
// AI, Standard Webhooks, GitHub, Stripe or a generic HMAC source expect them and posts them to a receiver, so that an operator can test a source (URL, secret, key,
// proxies in between) before a real provider sends anything. It needs no database.
import { InputError } from "./send/collect-images.ts";
import { sendEdenai } from "./send/edenai-command.ts";
import { generateKeys } from "./send/keygen-command.ts";
import { sendMaskit } from "./send/maskit-command.ts";
import { schemeSender } from "./send/scheme-command.ts";
import { UsageError, USAGE } from "./send/options.ts";

const COMMANDS: Record<string, (args: string[]) => Promise<boolean>> = {
  maskit: sendMaskit,
  edenai: sendEdenai,
  keygen: generateKeys,
  "standard-webhooks": schemeSender("standard-webhooks"),
  github: schemeSender("github"),
  stripe: schemeSender("stripe"),
  hmac: schemeSender("hmac"),
};

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (!command || command === "help" || command === "--help" || args.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command "${command}"`);
  return (await run(args)) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const isUsage = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (isUsage) console.error(`\n${USAGE}`);
    // Bad input is found before sending: 2 says "nothing was tried", unlike a refused delivery.
    process.exit(isUsage || error instanceof InputError ? 2 : 1);
  },
);
