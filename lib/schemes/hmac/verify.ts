import { activeCredentials, type BodyVerifier, type Refusal, type SchemeContext, type SchemeCredential } from "../scheme.ts";
import { decodeBase64, decodeHex } from "../common/encodings.ts";
import { createHmacVerifier, refOf } from "../common/hmac-verifier.ts";
import { checkTolerance, parseUnixSeconds } from "../common/timestamps.ts";
import { DIGEST_BYTES, parseHmacOptions, type HmacOptions } from "./options.ts";

// A generic HMAC signature, for senders with a scheme of their own: `<header>: <prefix><digest>`,
// the digest an HMAC (SHA-256/384/512, or SHA-1, accepted but reported weak) in hex or base64,
// over the raw body or over `<timestamp>.<body>` with the timestamp in its own header.

export function beginHmac(headers: Headers, credentials: readonly SchemeCredential[], context: SchemeContext): Refusal | BodyVerifier {
  const options = parseHmacOptions(context.options);
  const value = headers.get(options.header)?.trim();
  if (!value) return refuse("missing_header", `${options.header} header is missing`);
  const candidate = readSignature(value, options);
  if (typeof candidate === "string") return refuse("malformed_header", candidate);
  let prefix = Buffer.alloc(0);
  if (options.signedString === "timestamp.body") {
    const timestampHeader = options.timestampHeader!;
    const text = headers.get(timestampHeader);
    if (!text?.trim()) return refuse("missing_header", `${timestampHeader} header is missing`);
    const timestamp = parseUnixSeconds(text);
    if (timestamp === null) return refuse("malformed_header", `${timestampHeader} is not a Unix time in seconds`);
    const late = checkTolerance(timestamp, context, options.toleranceSeconds, timestampHeader);
    if (late) return late;
    prefix = Buffer.from(`${timestamp}.`, "utf8");
  }
  const keys = activeCredentials(credentials).flatMap((credential) => (credential.secret ? [{ credential: refOf(credential), key: credential.secret }] : []));
  if (keys.length === 0) return refuse("no_credentials", "the source has no active secret");
  return createHmacVerifier({
    algorithm: options.algorithm,
    keys,
    prefix,
    candidates: [candidate],
    noMatchMessage: `${options.header} matches none of the ${keys.length} active secret(s)`,
  });
}

/** The decoded digest, or why the header cannot be one. Hex case is not significant, nor the prefix's. */
function readSignature(value: string, options: HmacOptions): Buffer | string {
  const hasPrefix = value.toLowerCase().startsWith(options.prefix.toLowerCase());
  if (!hasPrefix) return `${options.header} does not start with “${options.prefix}”`;
  const encoded = value.slice(options.prefix.length);
  const digest = options.encoding === "hex" ? decodeHex(encoded) : decodeBase64(encoded, true);
  const size = DIGEST_BYTES[options.algorithm];
  if (!digest) return `${options.header} is not ${options.encoding}${options.prefix ? ` after “${options.prefix}”` : ""}`;
  if (digest.length !== size) return `${options.header} holds ${digest.length} bytes; an HMAC-${options.algorithm.toUpperCase()} has ${size}`;
  return digest;
}

function refuse(code: Refusal["code"], message: string): Refusal {
  return { accepted: false, code, message };
}
