import { readFile } from "node:fs/promises";
import type { AuditActor } from "../../lib/audit/record-audit.ts";
import { getPrisma } from "../../lib/db.ts";
import { generateSecret } from "../../lib/sources/add-secret.ts";
import { addSourcePublicKey } from "../../lib/sources/add-source-public-key.ts";
import { addSourceSecret } from "../../lib/sources/add-source-secret.ts";
import { createSource, receiverPath } from "../../lib/sources/create-source.ts";
import { KIND_TITLES } from "../../lib/sources/kind-names.ts";
import { sharedSecretSchema, slugSchema, sourceKindSchema } from "../../lib/sources/source-input.ts";
import { generateSecretFor, publicKeyTypeOf, SchemeOptionsInvalidError, takesSecrets, type SourceKindName } from "../../lib/sources/source-kinds.ts";
import { readStdin } from "./read-stdin.ts";

// `source add` and `credential add`: a source of any kind with its scheme's options given as
// flags, and further secrets or keys for it. Secrets come from standard input or are
// generated, never from the command line (shell history and `ps` would keep them).

type Flags = Record<string, string | boolean | undefined>;

/** Flag → the scheme option it sets (lib/schemes/<kind>); the scheme says which a kind takes. */
export const OPTION_FLAGS: ReadonlyArray<{ flag: string; option: string; isNumber?: boolean }> = [
  { flag: "tolerance", option: "toleranceSeconds", isNumber: true },
  { flag: "header", option: "header" },
  { flag: "algorithm", option: "algorithm" },
  { flag: "encoding", option: "encoding" },
  { flag: "prefix", option: "prefix" },
  { flag: "signed-string", option: "signedString" },
  { flag: "timestamp-header", option: "timestampHeader" },
  { flag: "dedupe-json-field", option: "dedupeJsonField" },
  { flag: "dedupe-header", option: "dedupeHeader" },
];

export async function addSourceCommand(flags: Flags, actor: AuditActor, usageError: (message: string) => Error): Promise<void> {
  const kind = sourceKindSchema.parse(flags.kind);
  if (typeof flags.slug !== "string" || flags.slug === "") throw usageError("--slug is required");
  const slug = slugSchema.parse(flags.slug);
  if (flags["secret-stdin"] && flags.generate) throw usageError("give either --secret-stdin or --generate, not both");
  const keyType = publicKeyTypeOf(kind);
  if (!keyType && flags["public-key-file"]) throw usageError(`--public-key-file is for edenai and standard-webhooks sources`);
  if (!takesSecrets(kind) && (flags["secret-stdin"] || flags.generate)) throw usageError("edenai sources use public keys, not shared secrets");
  const schemeOptions = optionsFromFlags(kind, flags, usageError);
  if (kind === "hmac" && !schemeOptions?.header) throw usageError("hmac sources need --header (the header the sender signs in)");
  const publicKeyPems = typeof flags["public-key-file"] === "string" ? [await readFile(flags["public-key-file"], "utf8")] : [];

  let secret: string | undefined;
  if (flags.generate) secret = generateSecretFor(kind, generateSecret);
  else if (flags["secret-stdin"]) secret = sharedSecretSchema.parse(await readStdin({ prompt: "Shared secret: ", isSecret: true }));

  const source = await createSource({
    kind,
    slug,
    name: flags.name as string | undefined,
    secret: secret ? Buffer.from(secret) : undefined,
    publicKeyPems,
    schemeOptions,
    actor,
  }).catch((error: unknown) => {
    throw error instanceof SchemeOptionsInvalidError ? usageError(inFlagTerms(error.message)) : error;
  });
  console.log(`source ${source.slug} (${source.kind}) created`);
  for (const [name, value] of Object.entries(source.schemeOptions)) console.log(`  ${name}: ${String(value) || "(none)"}`);
  if (takesSecrets(kind) && !secret && publicKeyPems.length === 0)
    console.log("it has no secret yet: deliveries fail until one is added (npm run cli -- credential add)");
  if (kind === "edenai") console.log(`trusted keys: Eden AI's published key${publicKeyPems.length ? ` and ${flags["public-key-file"]}` : ""}`);
  if (kind === "standard-webhooks" && publicKeyPems.length) console.log(`trusted ed25519 key: ${flags["public-key-file"]}`);
  console.log(`receiver: POST ${receiverPath(source.slug)}`);
  if (flags.generate) {
    console.log("shared secret (shown once, store it now):");
    console.log(secret);
  }
}

export async function addCredentialCommand(flags: Flags, actor: AuditActor, usageError: (message: string) => Error): Promise<void> {
  if (typeof flags.source !== "string" || flags.source === "") throw usageError("--source is required");
  const slug = slugSchema.parse(flags.source);
  const given = [flags["secret-stdin"], flags.generate, flags["public-key-file"]].filter(Boolean).length;
  if (given !== 1) throw usageError("give one of --secret-stdin, --generate or --public-key-file");
  const source = await getPrisma().source.findUnique({ where: { slug }, select: { id: true } });
  if (!source) throw usageError(`no source with slug "${slug}"`);
  const label = typeof flags.label === "string" ? flags.label : undefined;
  if (typeof flags["public-key-file"] === "string") {
    const { credential } = await addSourcePublicKey({ sourceId: source.id, pem: await readFile(flags["public-key-file"], "utf8"), label, actor });
    console.log(`key "${credential.label}" (${credential.fingerprint}) added to ${slug}`);
    return;
  }
  const pastedSecret = flags["secret-stdin"] ? sharedSecretSchema.parse(await readStdin({ prompt: "Shared secret: ", isSecret: true })) : undefined;
  const { credential, secret } = await addSourceSecret({ sourceId: source.id, pastedSecret, label, actor });
  console.log(`secret "${credential.label}" (${credential.fingerprint}) added to ${slug}`);
  if (secret) {
    console.log("shared secret (shown once, store it now):");
    console.log(secret);
  }
}

function optionsFromFlags(kind: SourceKindName, flags: Flags, usageError: (message: string) => Error): Record<string, unknown> | undefined {
  const options: Record<string, unknown> = {};
  for (const { flag, option, isNumber } of OPTION_FLAGS) {
    const value = flags[flag];
    if (typeof value !== "string") continue;
    if (kind === "maskit" || kind === "edenai") throw usageError(`--${flag} is not an option of ${KIND_TITLES[kind]} sources`);
    if (isNumber && !/^\d+$/.test(value)) throw usageError(`--${flag} must be a whole number of seconds`);
    options[option] = isNumber ? Number(value) : value;
  }
  return kind === "maskit" || kind === "edenai" ? undefined : options;
}

/** The scheme names its options; the command line calls them by their flags. */
function inFlagTerms(message: string): string {
  const flagOf = (option: string) => `--${OPTION_FLAGS.find((entry) => entry.option === option)?.flag ?? option}`;
  return message
    .replace("hmac sources need options: at least header", "hmac sources need --header")
    .replace(/ sources have no option "(\w+)"/g, (_match, option: string) => ` sources have no option ${flagOf(option)}`)
    .split("; ")
    .map((part) =>
      // camelCase names are safe to replace anywhere; plain words ("header") only where a message starts with the option.
      part
        .replace(/\b(toleranceSeconds|signedString|timestampHeader|dedupeJsonField|dedupeHeader)\b/g, (option) => flagOf(option))
        .replace(/^(header|algorithm|encoding|prefix)\b/, (option) => flagOf(option)),
    )
    .join("; ");
}
