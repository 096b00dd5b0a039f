import { activeCredentials, type BodyVerifier, type Refusal, type SchemeContext, type SchemeCredential } from "../scheme.ts";
import { createHmacVerifier, refOf } from "../common/hmac-verifier.ts";

// GitHub webhooks: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body under
// the webhook's secret (the secret's bytes as they are). GitHub also sends the SHA-1
// `X-Hub-Signature`; it is not accepted on its own, SHA-1 being what the -256 header replaced.

export const SIGNATURE_HEADER = "x-hub-signature-256";
export const SHA1_HEADER = "x-hub-signature";
export const DELIVERY_HEADER = "x-github-delivery";
export const SIGNATURE_PREFIX = "sha256=";

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

export function beginGithub(headers: Headers, credentials: readonly SchemeCredential[], _context: SchemeContext): Refusal | BodyVerifier {
  const value = headers.get(SIGNATURE_HEADER)?.trim();
  if (!value) return refuse("missing_header", "X-Hub-Signature-256 header is missing");
  const match = SIGNATURE.exec(value);
  if (!match) {
    if (/^[a-z0-9]+=/i.test(value) && !value.toLowerCase().startsWith(SIGNATURE_PREFIX))
      return refuse("unsupported_algorithm", `X-Hub-Signature-256 is ${value.split("=")[0]}=…; GitHub signs it sha256=`);
    return refuse("malformed_header", "X-Hub-Signature-256 is not sha256= followed by 64 hexadecimal characters");
  }
  const keys = activeCredentials(credentials).flatMap((credential) => (credential.secret ? [{ credential: refOf(credential), key: credential.secret }] : []));
  if (keys.length === 0) return refuse("no_credentials", "the source has no active secret");
  return createHmacVerifier({
    algorithm: "sha256",
    keys,
    prefix: Buffer.alloc(0),
    candidates: [Buffer.from(match[1], "hex")],
    noMatchMessage: `X-Hub-Signature-256 matches none of the ${keys.length} active secret(s)`,
  });
}

function refuse(code: Refusal["code"], message: string): Refusal {
  return { accepted: false, code, message };
}
