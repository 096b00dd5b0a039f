import { constants, createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { lazyCanonicalForms, type CanonicalForm, type JsonNode } from "./edenai-canonical.ts";
import { SignatureError, type CredentialRef, type SignatureMatch } from "./types.ts";

// Eden AI: the signature header is hex RSA PKCS#1 v1.5 / SHA-256 over the ASCII bytes of
// hex(sha256(canonical payload)) — the hex digest itself is what gets signed, as in both of its
// documented examples. Which payload bytes were hashed is not pinned down (see
// edenai-canonical.ts), so every candidate form is tried against every active key, and the
// match reports the form, for the operator to see and for us to learn which one Eden AI uses.

/** Current spelling first; the older docs spell it `signautre`, and senders may still do so. */
export const EDENAI_SIGNATURE_HEADERS = ["x-edenai-signature", "x-edenai-signautre"] as const;
export const EDENAI_HASH_ALGORITHM_HEADER = "x-edenai-hash-algorithm";

/** Eden AI's published key (seed 004), the first credential of every new `edenai` source. */
export const EDENAI_PUBLISHED_PUBLIC_KEY = `-----BEGIN RSA PUBLIC KEY-----
MIIBigKCAYEA2fQneVfTrhkDdlvqs2ViT0tZ9PCkL0vHanZMc+6YyvvewIQRp1bH
8Q13gYDf0t/tCKhVJqnPQ7qXekhtBrC1uMAf/qDhUhkKB0w9Xt5DXbEZaxFQjrlD
SHwcWdhH+BOAVDxQvaDuWveS8/kEIuo8x/QLNOVTrUSKnjXnnqZ2k6OeD0WHv/6b
LqPjFxdwL+4hi0nw1O57IfW7Oqzcd5JFX1Aq8nU4N0P8PEetUl84LKCiiT801wKO
ksUJUtjGHqdtOqP4g0Vk0w5BtBDPVPyFeQNLpALTxeG2WUtNtOiZCl0757K6dY13
FYR86e7KUlQzaZhy2vBKtghi5Rf03puk8fTS8zuO5LSX9GmHxZ1aywIvx6kcjp52
S52/q6ZdXuTe+0DCxjoFCnJ3C/6cNphEpZggShdZUtJFo85ImMRAesD0+hjeHuhq
Guis/i1JOHzYcSpKVCaksujrscR+m7Id1XrF/DY4gF8hizGHsEcurP+A6epUblTD
tg/F0foYfitfAgMBAAE=
-----END RSA PUBLIC KEY-----
`;

export const MIN_RSA_BITS = 2048;

export interface EdenaiKey extends CredentialRef {
  key: KeyObject;
}

export interface RsaPublicKeyInfo {
  key: KeyObject;
  bits: number;
  /** Lowercase hex SHA-256 of the SPKI DER: the same for the PKCS#1 and SPKI PEM of one key. */
  fingerprint: string;
  /** The key re-exported as SPKI `PUBLIC KEY` PEM, whichever form was given. */
  pem: string;
}

/** Throws an Error fit to show the operator; it never quotes the input, which may be a private key. */
export function parseRsaPublicKey(pem: string): RsaPublicKeyInfo {
  const labels = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((match) => match[1]);
  // Checked first and on its own: createPublicKey would happily derive a public key from it.
  if (labels.some((label) => label.includes("PRIVATE KEY")) || /PRIVATE KEY-----/.test(pem)) {
    throw new Error("this is a private key: paste the RSA public key only (the private key was not kept)");
  }
  if (labels.length === 0) throw new Error(`not a PEM public key: expected a "-----BEGIN ${ACCEPTED_LABELS.join('-----" or "-----BEGIN ')}-----" block`);
  if (labels.length > 1) throw new Error(`expected one PEM block, found ${labels.length}`);
  if (!ACCEPTED_LABELS.includes(labels[0])) throw new Error(`a "${labels[0]}" PEM block is not accepted: expected ${ACCEPTED_LABELS.join(" or ")}`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch (cause) {
    throw new Error(`the ${labels[0]} block could not be decoded (damaged base64 or not a key)`, { cause });
  }
  if (key.asymmetricKeyType !== "rsa") throw new Error(`not an RSA key (${key.asymmetricKeyType ?? "unknown type"}); Eden AI signs with RSA`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new Error(`the RSA key is ${bits} bits; at least ${MIN_RSA_BITS} are required`);
  const spki = key.export({ type: "spki", format: "der" });
  return {
    key,
    bits,
    fingerprint: createHash("sha256").update(spki).digest("hex"),
    pem: key.export({ type: "spki", format: "pem" }).toString(),
  };
}

/**
 * Throws SignatureError (header problems, no key, no match) or InvalidJsonError (body not JSON,
 * checked before any form is tried, so such a body is refused as malformed even if its raw bytes
 * were signed). Order: signature header, hash algorithm, body, keys, then each form × each key.
 */
export function verifyEdenaiSignature(options: {
  rawBody: Buffer;
  headers: Headers;
  keys: readonly EdenaiKey[];
  /** The body already parsed by parseJsonPreservingOrder, so that a receiver parses it once. */
  tree?: JsonNode;
}): SignatureMatch & { form: CanonicalForm } {
  const { rawBody, headers, keys } = options;
  const signature = readSignatureHeader(headers);
  checkHashAlgorithm(headers.get(EDENAI_HASH_ALGORITHM_HEADER));
  const candidates = lazyCanonicalForms(rawBody, options.tree); // parses now: invalid JSON throws here
  if (keys.length === 0) throw new SignatureError("no_credentials", "the source has no active public key");
  const tried: CanonicalForm[] = [];
  for (const { form, bytes } of candidates) {
    tried.push(form);
    const signed = signedMessage(bytes);
    for (const { key, ...credential } of keys) {
      // A signature of the wrong length for this key is simply not a match.
      if (verify("sha256", signed, { key, padding: constants.RSA_PKCS1_PADDING }, signature)) {
        return { credential, detail: form, form };
      }
    }
  }
  throw new SignatureError("no_match", `X-Edenai-Signature matches none of the ${keys.length} active key(s) over the forms tried: ${tried.join(", ")}`);
}

/**
 * The checks that need no body: header present and hex, algorithm SHA256, and a signature as
 * long as one of the keys' (an RSA signature is exactly the modulus size). A receiver runs it
 * before parsing, so that a refusal costs nothing however large the body. `keys` are the keys
 * a match could come from: the active ones, and the retired ones whose match the log reports.
 */
export function precheckEdenaiSignature(headers: Headers, keys: readonly { key: KeyObject }[]): void {
  const signature = readSignatureHeader(headers);
  checkHashAlgorithm(headers.get(EDENAI_HASH_ALGORITHM_HEADER));
  if (keys.length === 0) throw new SignatureError("no_credentials", "the source has no active public key");
  const sizes = new Set(keys.map(({ key }) => Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8)));
  if (!sizes.has(signature.length)) {
    // Not the key sizes: this message is also the sender's answer.
    throw new SignatureError("malformed_header", `X-Edenai-Signature is ${signature.length} bytes long, the length of no RSA signature this source can verify`);
  }
}

/** Hex signature of one canonical payload, as Eden AI computes it (tests, a future sender tool). */
export function signEdenaiPayload(canonicalBytes: Buffer, privateKey: KeyObject | string): string {
  const key = typeof privateKey === "string" ? createPrivateKey(privateKey) : privateKey;
  return sign("sha256", signedMessage(canonicalBytes), { key, padding: constants.RSA_PKCS1_PADDING }).toString("hex");
}

const ACCEPTED_LABELS = ["PUBLIC KEY", "RSA PUBLIC KEY"];
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const SHA256_NAMES = new Set(["sha256", "sha-256"]);

/** What is actually fed to RSA: the ASCII hex digest, not the digest bytes. */
function signedMessage(canonicalBytes: Buffer): Buffer {
  return Buffer.from(createHash("sha256").update(canonicalBytes).digest("hex"), "ascii");
}

function readSignatureHeader(headers: Headers): Buffer {
  // The correct spelling wins when a sender sends both.
  const value = EDENAI_SIGNATURE_HEADERS.map((name) => headers.get(name)?.trim()).find(Boolean);
  if (!value) throw new SignatureError("missing_header", "X-Edenai-Signature header is missing (also looked for X-Edenai-Signautre)");
  if (!HEX.test(value)) throw new SignatureError("malformed_header", "X-Edenai-Signature is not hexadecimal (an RSA signature in hex)");
  return Buffer.from(value, "hex");
}

function checkHashAlgorithm(value: string | null): void {
  if (value === null || SHA256_NAMES.has(value.trim().toLowerCase())) return;
  throw new SignatureError("unsupported_algorithm", `X-Edenai-Hash-Algorithm ${JSON.stringify(value.slice(0, 40))} is not supported; only SHA256 is`);
}
