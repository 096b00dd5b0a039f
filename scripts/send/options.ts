import { randomBytes } from "node:crypto";
import type { ParseArgsConfig } from "node:util";
import { InputError } from "./collect-images.ts";

// The usage text and what every sending command shares: where to send, how many, how fast.

export const USAGE = `usage: npm run send -- <command>
  maskit --url URL --secret-stdin <files, folders or quoted globs...>
         [--metadata TEMPLATE] [--count N] [--concurrency N] [--tamper] [--wrong-secret]
      One multipart delivery per JPEG/PNG, signed with X-Signature (HMAC-SHA256), the shared
      secret read from standard input. TEMPLATE (default "{batch}/{n}/{file}") may use
      {file} (base name), {n} (delivery number, from 1) and {batch} (one id per run).
  edenai --url URL --key-file PRIVATE.pem [--payload-file F | --image FILE]
         [--form FORM] [--count N] [--concurrency N] [--tamper]
      Eden AI job results, each with a new job_id, serialized in FORM (default sorted-utf8;
      also python-json-dumps, js-json-stringify, raw-body), signed with X-Edenai-Signature.
      --image embeds the JPEG/PNG as base64 in output.items[0].image (image generation).
      A --payload-file may use {n}, {batch} and {uuid} in its strings.
  standard-webhooks --url URL (--secret-stdin | --key-file ED25519.pem) [--payload-file F | --image FILE]
  github --url URL --secret-stdin [--payload-file F | --image FILE]
  stripe --url URL --secret-stdin [--payload-file F | --image FILE]
  hmac --url URL --secret-stdin --header H [--algorithm A] [--encoding hex|base64] [--prefix P]
       [--signed-string body|timestamp.body] [--timestamp-header H]
      JSON deliveries signed as each provider signs them (Standard Webhooks: v1 with the whsec_
      secret and/or v1a with an ed25519 key from \`openssl genpkey -algorithm ed25519\`; Stripe: a
      new evt_ id each; hmac: the same options as \`npm run cli -- source add --kind hmac\`).
      --image embeds a JPEG/PNG as base64 in data.image; a --payload-file may use {n}, {batch}
      and {uuid}. Also --count, --concurrency, --tamper, --wrong-secret.
  keygen --out PRIVATE.pem [--bits 2048|3072|4096]
      Writes a new RSA private key (PKCS#8, mode 0600), its public key (SPKI PEM) beside it
      (PRIVATE.pub.pem), and prints the public key, for:
      npm run cli -- source add --kind edenai --slug S --public-key-file PRIVATE.pub.pem

  --count N        deliveries to send (maskit: default one per file, the files repeated)
  --concurrency N  deliveries in flight at once (default 4)
  --timeout S      seconds to wait for each answer (default 30)
  --tamper         change one byte of each body after signing: expect 401
  --wrong-secret   maskit: sign with a random secret instead: expect 401
  --dump-body DIR  diagnostics: write each body sent, and its headers, to DIR/<n>.body and .headers

Exit status: 0 when every delivery got the expected answer (2xx, or 401 with --tamper or
--wrong-secret), 1 when one did not, 2 for bad input (nothing is sent).`;

export class UsageError extends Error {}

export const DELIVERY_OPTIONS = {
  url: { type: "string" },
  count: { type: "string" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  tamper: { type: "boolean" },
  "dump-body": { type: "string" },
} satisfies ParseArgsConfig["options"];

export type Flags = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface DeliveryFlags {
  url: URL;
  count: number | undefined;
  concurrency: number;
  timeoutMs: number;
  isTampered: boolean;
  dumpDir: string | undefined;
}

export function readDeliveryFlags(flags: Flags): DeliveryFlags {
  return {
    url: parseReceiverUrl(flags.url),
    count: flags.count === undefined ? undefined : positiveInteger(flags.count, "--count", 1_000_000),
    concurrency: flags.concurrency === undefined ? 4 : positiveInteger(flags.concurrency, "--concurrency", 256),
    timeoutMs: flags.timeout === undefined ? 30_000 : positiveInteger(flags.timeout, "--timeout", 3600) * 1000,
    isTampered: flags.tamper === true,
    dumpDir: typeof flags["dump-body"] === "string" ? flags["dump-body"] : undefined,
  };
}

/** One id per run, sortable and readable in the log: 20260122T101530Z-3f9a. */
export function makeBatchId(): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

export function requiredString(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

function parseReceiverUrl(value: Flags[string]): URL {
  if (typeof value !== "string" || value === "") throw new UsageError("--url is required (the receiver, e.g. http://localhost:3000/api/webhooks/my-source)");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`--url ${JSON.stringify(value)} is not a URL (expected e.g. http://localhost:3000/api/webhooks/my-source)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InputError(`--url must be http:// or https://, not ${url.protocol}`);
  return url;
}

function positiveInteger(value: Flags[string], name: string, max: number): number {
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= 1 && number <= max)) throw new UsageError(`${name} must be a whole number from 1 to ${max}`);
  return number;
}
