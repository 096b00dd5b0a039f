import { createHmac, sign as signEd25519, type KeyObject } from "node:crypto";
import { decodeStandardSecret } from "./keys.ts";
import { ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./verify.ts";

// A Standard Webhooks sender, for `npm run send` and the tests of other modules: the headers of
// one delivery, signed `v1` with a secret and/or `v1a` with an ed25519 private key.

export interface StandardWebhookSigning {
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: Buffer;
  secret?: string;
  privateKey?: KeyObject;
}

export function signStandardWebhook(input: StandardWebhookSigning): Record<string, string> {
  const message = Buffer.concat([Buffer.from(`${input.id}.${input.timestamp}.`), input.body]);
  const entries: string[] = [];
  if (input.secret !== undefined) {
    const key = decodeStandardSecret(Buffer.from(input.secret));
    if (!key) throw new Error("a Standard Webhooks secret is whsec_ followed by base64");
    entries.push(`v1,${createHmac("sha256", key).update(message).digest("base64")}`);
  }
  if (input.privateKey) entries.push(`v1a,${signEd25519(null, message, input.privateKey).toString("base64")}`);
  if (entries.length === 0) throw new Error("give a secret or a private key to sign with");
  return { [ID_HEADER]: input.id, [TIMESTAMP_HEADER]: String(input.timestamp), [SIGNATURE_HEADER]: entries.join(" ") };
}
