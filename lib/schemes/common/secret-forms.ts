import type { SchemeCredential } from "../scheme.ts";
import { decodeBase64 } from "./encodings.ts";
import type { SecretForm } from "./diagnose.ts";

// Generated secrets look like `whsec_<base64>`, and providers disagree on what the key is:
// Standard Webhooks decodes the base64 after the prefix, Stripe uses the whole string's bytes.
// Senders mix the two up; these are the readings to try for a scheme that uses the secret's
// bytes as they are (Stripe, GitHub, the generic HMAC).

export const WHSEC_PREFIX = "whsec_";

export function rawSecretForms(credential: SchemeCredential): SecretForm[] {
  const text = credential.secret?.toString("utf8");
  if (!text?.startsWith(WHSEC_PREFIX) || text.length <= WHSEC_PREFIX.length) return [];
  const rest = text.slice(WHSEC_PREFIX.length);
  const forms: SecretForm[] = [{ code: "secret_prefix_stripped", credential: withSecret(credential, Buffer.from(rest, "utf8")) }];
  const decoded = decodeBase64(rest, true);
  if (decoded) forms.push({ code: "secret_whsec_decoded", credential: withSecret(credential, decoded) });
  return forms;
}

export function withSecret(credential: SchemeCredential, secret: Buffer): SchemeCredential {
  return { ...credential, secret };
}
