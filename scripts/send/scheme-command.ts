import { createPrivateKey, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { signGithubDelivery } from "../../lib/schemes/github/sign.ts";
import { signHmacDelivery } from "../../lib/schemes/hmac/sign.ts";
import { signStandardWebhook } from "../../lib/schemes/standard-webhooks/sign.ts";
import { signStripeEvent } from "../../lib/schemes/stripe/sign.ts";
import type { SignedRequest } from "../../lib/senders/sign-maskit.ts";
import { OPTION_FLAGS } from "../cli/source-commands.ts";
import { readStdin } from "../cli/read-stdin.ts";
import { InputError } from "./collect-images.ts";
import { DELIVERY_OPTIONS, makeBatchId, readDeliveryFlags, UsageError } from "./options.ts";
import { runDeliveries } from "./run-deliveries.ts";

// `send standard-webhooks | github | stripe | hmac`: JSON deliveries signed as each provider
// signs them, with the signers of lib/schemes (whose conformance tests check them against the
// providers' own libraries). The secret comes from standard input; Standard Webhooks can also
// sign v1a with an ed25519 private key file.

export type SchemeKind = "standard-webhooks" | "github" | "stripe" | "hmac";

const PLACEHOLDERS = /\{(n|batch|uuid)\}/g;

export function schemeSender(kind: SchemeKind) {
  return async (args: string[]): Promise<boolean> => {
    const { values } = parseArgs({
      args,
      strict: true,
      options: {
        ...DELIVERY_OPTIONS,
        "secret-stdin": { type: "boolean" },
        "wrong-secret": { type: "boolean" },
        "key-file": { type: "string" },
        "payload-file": { type: "string" },
        image: { type: "string" },
        ...Object.fromEntries(OPTION_FLAGS.map(({ flag }) => [flag, { type: "string" as const }])),
      },
    });
    const delivery = readDeliveryFlags(values);
    const isWrongSecret = values["wrong-secret"] === true;
    const privateKey = typeof values["key-file"] === "string" ? await readEd25519PrivateKey(kind, values["key-file"]) : undefined;
    if (!values["secret-stdin"] && !isWrongSecret && !privateKey)
      throw new UsageError(
        `--secret-stdin is required${kind === "standard-webhooks" ? " (or --key-file for v1a)" : ""}: pipe the source's secret in (it is never taken from the command line)`,
      );
    if (values["payload-file"] && values.image) throw new UsageError("give --payload-file or --image, not both");
    const hmacOptions = kind === "hmac" ? hmacOptionsFrom(values) : undefined;
    const secret = isWrongSecret ? wrongSecret(kind) : values["secret-stdin"] ? await readSecret() : undefined;
    const batch = makeBatchId();
    const payloadFor = await payloadTemplate(kind, values["payload-file"], values.image, batch);
    // Sign the first one now: bad options or a bad secret fail before anything is sent.
    sign(kind, Buffer.from(payloadFor(1)), { secret, privateKey, hmacOptions, n: 1, batch });
    const count = delivery.count ?? 1;
    console.error(`sending ${count} ${kind} deliver${count === 1 ? "y" : "ies"}, batch ${batch}`);
    return runDeliveries({
      url: delivery.url,
      count,
      concurrency: delivery.concurrency,
      timeoutMs: delivery.timeoutMs,
      dumpDir: delivery.dumpDir,
      expectedStatus: delivery.isTampered || isWrongSecret ? 401 : "2xx",
      async prepare(n) {
        const request = sign(kind, Buffer.from(payloadFor(n)), { secret, privateKey, hmacOptions, n, batch });
        // After signing, as a corrupting proxy would: the receiver must answer 401.
        if (delivery.isTampered) request.body[Math.floor(request.body.length / 2)] ^= 0x01;
        return { label: `delivery ${n}`, request };
      },
    });
  };
}

interface Signing {
  secret?: string;
  privateKey?: KeyObject;
  hmacOptions?: Record<string, unknown>;
  n: number;
  batch: string;
}

export function sign(kind: SchemeKind, body: Buffer, signing: Signing): SignedRequest {
  const timestamp = Math.floor(Date.now() / 1000);
  const json = { "content-type": "application/json" };
  try {
    switch (kind) {
      case "standard-webhooks":
        return {
          body,
          headers: { ...json, ...signStandardWebhook({ id: `msg_${randomUUID()}`, timestamp, body, secret: signing.secret, privateKey: signing.privateKey }) },
        };
      case "github":
        return { body, headers: { ...json, ...signGithubDelivery(body, requireSecret(signing), "ping") } };
      case "stripe":
        return { body, headers: { ...json, ...signStripeEvent(body, requireSecret(signing), timestamp) } };
      case "hmac":
        return { body, headers: { ...json, ...signHmacDelivery(body, requireSecret(signing), signing.hmacOptions, timestamp) } };
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new InputError(error instanceof Error ? error.message : String(error));
  }
}

function requireSecret(signing: Signing): string {
  if (signing.secret === undefined) throw new UsageError("--secret-stdin is required");
  return signing.secret;
}

/** A default payload per kind, each delivery with its own id (Stripe deduplicates on it), or the operator's template. */
async function payloadTemplate(
  kind: SchemeKind,
  payloadFile: string | undefined,
  imageFile: string | undefined,
  batch: string,
): Promise<(n: number) => string> {
  if (payloadFile) {
    const template = await readFile(payloadFile, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`cannot read --payload-file ${payloadFile}: ${error.code ?? error.message}`);
    });
    return (n) => template.replace(PLACEHOLDERS, (_match, name: string) => (name === "n" ? String(n) : name === "batch" ? batch : randomUUID()));
  }
  const image = imageFile ? await readImage(imageFile) : null;
  return (n) => {
    const data = { batch, n, ...(image ? { image: image.base64, imageType: image.mimeType } : {}) };
    switch (kind) {
      case "stripe":
        return JSON.stringify(
          {
            id: `evt_${randomBytes(12).toString("hex")}`,
            object: "event",
            type: "webhook_inbox.test",
            created: Math.floor(Date.now() / 1000),
            data: { object: data },
          },
          null,
          2,
        );
      case "github":
        return JSON.stringify({ zen: "Keep it logically awesome.", hook_id: n, ...data });
      case "standard-webhooks":
        return JSON.stringify({ type: "webhook_inbox.test", timestamp: new Date().toISOString(), data });
      case "hmac":
        return JSON.stringify({ id: randomUUID(), event: "webhook_inbox.test", data });
    }
  };
}

async function readImage(file: string): Promise<{ base64: string; mimeType: string }> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read --image ${file}: ${error.code ?? error.message}`);
  });
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return { base64: bytes.toString("base64"), mimeType: "image/jpeg" };
  if (bytes.subarray(0, 8).equals(Buffer.from("89504e470d0a1a0a", "hex"))) return { base64: bytes.toString("base64"), mimeType: "image/png" };
  throw new InputError(`--image ${file} is not a JPEG or PNG by its bytes`);
}

function hmacOptionsFrom(values: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const { flag, option, isNumber } of OPTION_FLAGS) {
    const value = values[flag];
    if (typeof value === "string") options[option] = isNumber ? Number(value) : value;
  }
  if (!options.header) throw new UsageError("--header is required for hmac: the header the source reads the signature from");
  return options;
}

function wrongSecret(kind: SchemeKind): string {
  // A Standard Webhooks secret must still decode, or signing would fail before the request is sent.
  return kind === "standard-webhooks" ? `whsec_${randomBytes(32).toString("base64")}` : `wrong-${randomBytes(16).toString("hex")}`;
}

async function readSecret(): Promise<string> {
  const text = await readStdin({ prompt: "Secret: ", isSecret: true });
  // Strip the newline that `echo` or a terminal adds, exactly as `npm run cli -- source add` does.
  const secret = text.replace(/\r?\n$/, "");
  if (secret === "") throw new InputError('no secret on standard input (pipe it in, e.g. `printf %s "$SECRET" | npm run send -- github --secret-stdin ...`)');
  return secret;
}

async function readEd25519PrivateKey(kind: SchemeKind, file: string): Promise<KeyObject> {
  if (kind !== "standard-webhooks") throw new UsageError("--key-file is for standard-webhooks (v1a, ed25519)");
  const pem = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read --key-file ${file}: ${error.code ?? error.message}`);
  });
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new InputError(`${file} is not a PEM private key; make one with: openssl genpkey -algorithm ed25519 -out ${file}`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new InputError(`${file} is a ${key.asymmetricKeyType} key; v1a signs with ed25519`);
  return key;
}
