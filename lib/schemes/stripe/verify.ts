import { activeCredentials, type BodyVerifier, type Refusal, type SchemeContext, type SchemeCredential, type SchemeOptions } from "../scheme.ts";
import { createHmacVerifier, refOf } from "../common/hmac-verifier.ts";
import { checkTolerance, DEFAULT_TOLERANCE_SECONDS, parseUnixSeconds } from "../common/timestamps.ts";

// Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=...]`, each v1 the
// HMAC-SHA256 of `<t>.<body>` under the endpoint's `whsec_...` signing secret, the whole string's
// bytes being the key (unlike Standard Webhooks, nothing is decoded). Several v1 entries come
// while Stripe rolls a secret; v0 (test-mode, legacy) is ignored, as Stripe's libraries do.

export const SIGNATURE_HEADER = "stripe-signature";

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** What is signed before the body; diagnosis swaps it to test "the timestamp was left out". */
export type SignedPrefix = (timestamp: number) => string;
export const STRIPE_PREFIX: SignedPrefix = (timestamp) => `${timestamp}.`;

export interface StripeHeader {
  timestamp: number | null;
  /** Every `key=value` item, in order. */
  items: Array<{ key: string; value: string }>;
}

export function parseStripeHeader(header: string): StripeHeader {
  const items = header
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.includes("="))
    .map((item) => ({ key: item.slice(0, item.indexOf("=")), value: item.slice(item.indexOf("=") + 1) }));
  return { timestamp: parseUnixSeconds(items.find((item) => item.key === "t")?.value), items };
}

export function formatStripeHeader(items: ReadonlyArray<{ key: string; value: string }>): string {
  return items.map(({ key, value }) => `${key}=${value}`).join(",");
}

export function toleranceOf(options: SchemeOptions): number {
  return typeof options.toleranceSeconds === "number" ? options.toleranceSeconds : DEFAULT_TOLERANCE_SECONDS;
}

export function beginStripe(
  headers: Headers,
  credentials: readonly SchemeCredential[],
  context: SchemeContext,
  signedPrefix: SignedPrefix = STRIPE_PREFIX,
): Refusal | BodyVerifier {
  const value = headers.get(SIGNATURE_HEADER)?.trim();
  if (!value) return refuse("missing_header", "Stripe-Signature header is missing");
  const { timestamp, items } = parseStripeHeader(value);
  if (timestamp === null) return refuse("malformed_header", "Stripe-Signature has no t=<Unix seconds> item");
  const v1 = items.filter((item) => item.key === "v1");
  if (v1.length === 0) {
    const schemes = [...new Set(items.filter((item) => item.key !== "t").map((item) => item.key))];
    return schemes.length > 0
      ? refuse("unsupported_algorithm", `Stripe-Signature has only ${schemes.join(", ")} signatures; this receiver checks v1`)
      : refuse("malformed_header", "Stripe-Signature has no v1=<signature> item");
  }
  const candidates = v1.filter((item) => HEX_SHA256.test(item.value)).map((item) => Buffer.from(item.value, "hex"));
  if (candidates.length === 0) return refuse("malformed_header", "Stripe-Signature's v1 signatures are not 64 hexadecimal characters");
  const late = checkTolerance(timestamp, context, toleranceOf(context.options), "Stripe-Signature's t");
  if (late) return late;
  const keys = activeCredentials(credentials).flatMap((credential) => (credential.secret ? [{ credential: refOf(credential), key: credential.secret }] : []));
  if (keys.length === 0) return refuse("no_credentials", "the source has no active signing secret");
  return createHmacVerifier({
    algorithm: "sha256",
    keys,
    prefix: Buffer.from(signedPrefix(timestamp), "utf8"),
    candidates,
    noMatchMessage: `Stripe-Signature matches none of the ${keys.length} active signing secret(s)`,
  });
}

function refuse(code: Refusal["code"], message: string): Refusal {
  return { accepted: false, code, message };
}
