import { z } from "zod";
import { createApiToken } from "../../lib/auth/api-tokens.ts";
import { unlockSignIn } from "../../lib/auth/unlock-sign-in.ts";
import { addUser as addAuditedUser } from "../../lib/users/add-user.ts";
import { addChannelCommand, listChannelsCommand, removeChannelCommand } from "./alert-commands.ts";
import { checkBlobsCommand, migrateBlobsCommand } from "./blobs-commands.ts";
import { addDestinationCommand, listDestinationsCommand, removeDestinationCommand, setDestinationCommand } from "./destination-commands.ts";
import { readStdin } from "./read-stdin.ts";
import { addCredentialCommand, addSourceCommand } from "./source-commands.ts";

export const USAGE = `usage: npm run cli -- <command>
  user add --email E --role admin|viewer            password from standard input
  user unlock --email E                             forget failed sign-ins, lifting a lock
  source add --kind maskit|edenai|standard-webhooks|github|stripe|hmac --slug S [--name N]
             [--secret-stdin | --generate] [--public-key-file F]
             standard-webhooks, stripe: [--tolerance SECONDS]          (default 300)
             hmac: --header H [--algorithm sha256|sha384|sha512|sha1] [--encoding hex|base64]
                   [--prefix P] [--signed-string body|timestamp.body] [--timestamp-header H]
                   [--tolerance SECONDS] [--dedupe-json-field F | --dedupe-header H]
             public keys: edenai RSA PEM; standard-webhooks ed25519 (whpk_... or PEM)
  credential add --source S (--secret-stdin | --generate | --public-key-file F) [--label L]
  token create --name N --role admin|viewer
  destination add --source S --url U [--name N]      prints the signing secret once, last line
  destination list
  destination pause|resume|remove --id ID
  blobs migrate --to filesystem|s3|postgres [--batch N]
                                                    copy every blob, then switch (resumable;
                                                    position saved every N blobs, default 200)
  blobs check                                       missing, corrupt and orphaned blobs
  channel add --kind email --name N --address A[,B...] [--smtp-url-stdin]
  channel add --kind slack|webhook --name N (--url U | --url-stdin)
  channel list
  channel remove (--name N | --id ID)`;

export class UsageError extends Error {}

/** Who the audit log names for changes made from the command line. */
const CLI_ACTOR = { kind: "system", name: "command line" } as const;

type Flags = Record<string, string | boolean | undefined>;

const roleSchema = z.enum(["admin", "viewer"], { error: "--role must be admin or viewer" });

export async function runCommand(command: string, flags: Flags): Promise<void> {
  switch (command) {
    case "user add":
      return addUser(flags);
    case "user unlock":
      return unlockUser(flags);
    case "source add":
      return addSourceCommand(flags, CLI_ACTOR, (message) => new UsageError(message));
    case "credential add":
      return addCredentialCommand(flags, CLI_ACTOR, (message) => new UsageError(message));
    case "token create":
      return createToken(flags);
    case "blobs migrate":
      return migrateBlobsCommand(flags.to as string | undefined, flags.batch as string | undefined);
    case "blobs check":
      return checkBlobsCommand();
    case "channel add":
      return addChannelCommand(flags, (message) => new UsageError(message));
    case "channel list":
      return listChannelsCommand();
    case "channel remove":
      return removeChannelCommand(flags, (message) => new UsageError(message));
    case "destination add":
      return addDestinationCommand(flags, CLI_ACTOR, (name) => required(flags, name));
    case "destination list":
      return listDestinationsCommand();
    case "destination pause":
    case "destination resume":
      return setDestinationCommand(command.endsWith("resume"), CLI_ACTOR, (name) => required(flags, name));
    case "destination remove":
      return removeDestinationCommand(CLI_ACTOR, (name) => required(flags, name));
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function addUser(flags: Flags) {
  const email = required(flags, "email");
  const role = roleSchema.parse(flags.role);
  const password = await readStdin({ prompt: "Password: ", isSecret: true });
  // Audited like a user added on the Users page (user.create), with the command line as actor.
  const user = await addAuditedUser({ email, role, password: password.replace(/\r?\n$/, ""), actor: CLI_ACTOR });
  console.log(`user ${user.email} added as ${user.role}`);
}

async function unlockUser(flags: Flags) {
  const user = await unlockSignIn({ email: required(flags, "email"), actor: CLI_ACTOR });
  console.log(`${user.email} can sign in again (${user.failuresCleared} failed sign-ins forgotten)`);
}

async function createToken(flags: Flags) {
  const name = required(flags, "name");
  const role = roleSchema.parse(flags.role);
  const { token, record } = await createApiToken({ name, role, actor: CLI_ACTOR });
  console.log(`API token "${record.name}" (${record.role}) created; it is shown once:`);
  console.log(token);
}

function required(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}
