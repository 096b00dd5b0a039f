import { verify as verifySignature, type KeyObject } from "node:crypto";
import {
  activeCredentials,
  type BodyVerifier,
  type CredentialRef,
  type Refusal,
  type SchemeContext,
  type SchemeCredential,
  type SchemeOptions,
  type Verdict,
} from "../scheme.ts";
import { createHmacVerifier, refOf, type HmacKey } from "../common/hmac-verifier.ts";
import { checkTolerance, DEFAULT_TOLERANCE_SECONDS, parseUnixSeconds } from "../common/timestamps.ts";
import { decodeStandardSecret } from "./keys.ts";
import { parseSignatureHeader } from "./signature-header.ts";

// Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` (Unix seconds) and
// `webhook-signature`, a space-separated list of `v1,<base64 HMAC-SHA256>` under the decoded
// `whsec_` secret and `v1a,<base64 ed25519>` under a public key, both over
// `<id>.<timestamp>.<body>`. Any entry matching any active credential accepts the delivery.

export const ID_HEADER = "webhook-id";
export const TIMESTAMP_HEADER = "webhook-timestamp";
export const SIGNATURE_HEADER = "webhook-signature";

const HMAC_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;

/** What is signed before the body; diagnosis swaps it to test "the timestamp was left out". */
export type SignedPrefix = (id: string, timestamp: number) => string;
export const SPEC_PREFIX: SignedPrefix = (id, timestamp) => `${id}.${timestamp}.`;

export function toleranceOf(options: SchemeOptions): number {
  return typeof options.toleranceSeconds === "number" ? options.toleranceSeconds : DEFAULT_TOLERANCE_SECONDS;
}

export function beginStandardWebhooks(
  headers: Headers,
  credentials: readonly SchemeCredential[],
  context: SchemeContext,
  signedPrefix: SignedPrefix,
): Refusal | BodyVerifier {
  const signature = headers.get(SIGNATURE_HEADER);
  const id = headers.get(ID_HEADER);
  const timestampText = headers.get(TIMESTAMP_HEADER);
  for (const [name, value] of [
    [SIGNATURE_HEADER, signature],
    [ID_HEADER, id],
    [TIMESTAMP_HEADER, timestampText],
  ] as const) {
    if (!value?.trim()) return refuse("missing_header", `${name} header is missing`);
  }
  const timestamp = parseUnixSeconds(timestampText);
  if (timestamp === null) return refuse("malformed_header", `${TIMESTAMP_HEADER} is not a Unix time in seconds`);
  const entries = parseSignatureHeader(signature!);
  if (!entries) return refuse("malformed_header", `${SIGNATURE_HEADER} has no "<version>,<base64>" entry`);
  const known = entries.filter((entry) => entry.version === "v1" || entry.version === "v1a");
  if (known.length === 0)
    return refuse(
      "unsupported_algorithm",
      `${SIGNATURE_HEADER} has only ${unique(entries.map((entry) => entry.version)).join(", ")} entries; this receiver checks v1 and v1a`,
    );
  const hmacSignatures = signaturesOf(known, "v1", HMAC_BYTES);
  const edSignatures = signaturesOf(known, "v1a", ED25519_SIGNATURE_BYTES);
  if (hmacSignatures.length === 0 && edSignatures.length === 0)
    return refuse("malformed_header", `${SIGNATURE_HEADER}'s v1/v1a entries are not base64 signatures of the right length`);
  const late = checkTolerance(timestamp, context, toleranceOf(context.options), TIMESTAMP_HEADER);
  if (late) return late;

  const active = activeCredentials(credentials);
  const hmacKeys: HmacKey[] = [];
  const publicKeys: Array<{ credential: CredentialRef; key: KeyObject }> = [];
  for (const credential of active) {
    const key = credential.secret ? decodeStandardSecret(credential.secret) : null;
    if (key) hmacKeys.push({ credential: refOf(credential), key });
    if (credential.publicKey?.asymmetricKeyType === "ed25519") publicKeys.push({ credential: refOf(credential), key: credential.publicKey });
  }
  if (hmacKeys.length === 0 && publicKeys.length === 0) return refuse("no_credentials", "the source has no active Standard Webhooks secret or ed25519 key");
  const prefix = Buffer.from(signedPrefix(id!, timestamp), "utf8");
  const noMatch = `${SIGNATURE_HEADER} matches none of the ${plural(hmacKeys.length, "active secret")} and ${plural(publicKeys.length, "active public key")}`;
  const hmac = createHmacVerifier({ algorithm: "sha256", keys: hmacKeys, prefix, candidates: hmacSignatures, noMatchMessage: noMatch });
  // ed25519 (RFC 8032, not prehashed) signs the whole message at once, so its bytes are kept;
  // only when the header has a v1a entry and the source a key, and the receiver bounds bodies.
  const edChunks: Buffer[] | null = edSignatures.length > 0 && publicKeys.length > 0 ? [prefix] : null;
  return {
    update(chunk) {
      hmac.update(chunk);
      edChunks?.push(chunk);
    },
    finish(): Verdict {
      const verdict = hmac.finish();
      if (verdict.accepted || !edChunks) return verdict;
      const message = Buffer.concat(edChunks);
      let match: CredentialRef | null = null;
      for (const { credential, key } of publicKeys) {
        for (const edSignature of edSignatures) if (verifySignature(null, message, key, edSignature) && !match) match = credential;
      }
      return match ? { accepted: true, credential: match, detail: "v1a" } : verdict;
    },
  };
}

function signaturesOf(entries: ReturnType<typeof parseSignatureHeader> & object, version: string, size: number): Buffer[] {
  return entries.filter((entry) => entry.version === version && entry.bytes?.length === size).map((entry) => entry.bytes!);
}

function refuse(code: Refusal["code"], message: string): Refusal {
  return { accepted: false, code, message };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
