import { createHash, createPublicKey, randomBytes, type KeyObject } from "node:crypto";
import { decodeBase64 } from "../common/encodings.ts";
import { WHSEC_PREFIX } from "../common/secret-forms.ts";

// Standard Webhooks credentials. A symmetric secret is `whsec_` + base64 of the key bytes (the
// HMAC key is the decoded bytes, not the string). An ed25519 public key (`v1a`) is given as
// `whpk_` + base64 of its 32 raw bytes, as the reference libraries print it, or as SPKI PEM.

export const PUBLIC_KEY_PREFIX = "whpk_";
/** DER header of an ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** The HMAC key of a stored secret, or null when it is not base64 after the optional prefix. */
export function decodeStandardSecret(secret: Buffer): Buffer | null {
  const text = secret.toString("utf8").trim();
  const body = text.startsWith(WHSEC_PREFIX) ? text.slice(WHSEC_PREFIX.length) : text;
  // base64url too: this project generated `whsec_<base64url>` secrets before this kind existed.
  const key = decodeBase64(body, true);
  return key && key.length > 0 ? key : null;
}

/** A new secret in the spec's form: 32 random bytes, standard base64 with padding. */
export function generateStandardSecret(): string {
  return `${WHSEC_PREFIX}${randomBytes(32).toString("base64")}`;
}

export class PublicKeyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PublicKeyFormatError";
  }
}

export interface Ed25519PublicKeyInfo {
  key: KeyObject;
  /** SHA-256 of the SPKI, hex, like the RSA keys' fingerprints. */
  fingerprint: string;
  /** SPKI `PUBLIC KEY` PEM, the form stored in `credentials.public_key_pem`. */
  pem: string;
}

/** Reads `whpk_<base64>` or SPKI PEM; refuses private keys and keys of other types. */
export function parseEd25519PublicKey(text: string): Ed25519PublicKeyInfo {
  const value = text.trim();
  if (/PRIVATE KEY/.test(value) || value.startsWith("whsk_"))
    throw new PublicKeyFormatError("that is a private key: give the public key (whpk_... or a PEM PUBLIC KEY)");
  let key: KeyObject;
  if (value.startsWith(PUBLIC_KEY_PREFIX)) {
    const raw = decodeBase64(value.slice(PUBLIC_KEY_PREFIX.length));
    if (raw?.length !== 32) throw new PublicKeyFormatError("a whpk_ key must be base64 of 32 bytes (an ed25519 public key)");
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
  } else if (value.includes("-----BEGIN")) {
    try {
      key = createPublicKey(value);
    } catch {
      throw new PublicKeyFormatError("the PEM could not be read as a public key");
    }
  } else {
    throw new PublicKeyFormatError("give an ed25519 public key as whpk_<base64> or as a PEM PUBLIC KEY");
  }
  if (key.asymmetricKeyType !== "ed25519")
    throw new PublicKeyFormatError(`that is a ${key.asymmetricKeyType ?? "unknown"} key; Standard Webhooks v1a signatures use ed25519`);
  const spki = key.export({ type: "spki", format: "der" });
  return { key, fingerprint: createHash("sha256").update(spki).digest("hex"), pem: key.export({ type: "spki", format: "pem" }).toString() };
}

/** `whpk_<base64>` of a public key, the form senders publish. */
export function formatEd25519PublicKey(key: KeyObject): string {
  const spki = key.export({ type: "spki", format: "der" });
  return `${PUBLIC_KEY_PREFIX}${spki.subarray(ED25519_SPKI_PREFIX.length).toString("base64")}`;
}
