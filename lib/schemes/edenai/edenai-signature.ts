import { constants, createHash, createPrivateKey, sign as signRsa, verify, type KeyObject } from "node:crypto";
import { InvalidJsonError, type JsonNode } from "../../json/json-tree.ts";
import { parseJsonOnce } from "../../json/parse-once.ts";
import { activeCredentials, type BodyVerifier, type CredentialRef, type Refusal, type Scheme, type SchemeCredential, type Verdict } from "../scheme.ts";
import { lazyCanonicalForms, type CanonicalCandidate, type CanonicalForm } from "./canonical-forms.ts";

// Eden AI: the signature header is hex RSA PKCS#1 v1.5 / SHA-256 over the ASCII bytes of
// hex(sha256(canonical payload)) — the hex digest itself is what gets signed, as in both of its
// documented examples. Which payload bytes were hashed is not pinned down (see
// canonical-forms.ts), so every candidate form is tried against every active key, and the
// match reports the form (Acceptance.detail), for the operator to see and for us to learn which
// one Eden AI uses.

/** Current spelling first; the older docs spell it `signautre`, and senders may still do so. */
export const EDENAI_SIGNATURE_HEADERS = ["x-edenai-signature", "x-edenai-signautre"] as const;
export const EDENAI_HASH_ALGORITHM_HEADER = "x-edenai-hash-algorithm";

/**
 * The scheme's `begin`: the checks that need no body, so that a refusal costs nothing however
 * large the body (header present and hex, algorithm SHA256, a signature as long as one of the
 * keys' — an RSA signature is exactly the modulus size). The length is checked against retired
 * keys too, whose match the log reports. The verifier then parses the body (invalid JSON is
 * `malformed_body`, even when its raw bytes were signed) and tries each form × each active key.
 */
export const beginEdenai: Scheme["begin"] = (headers, credentials) => {
  const signature = readSignatureHeader(headers);
  if (!Buffer.isBuffer(signature)) return signature;
  const algorithm = checkHashAlgorithm(headers.get(EDENAI_HASH_ALGORITHM_HEADER));
  if (algorithm) return algorithm;
  const keyed = credentials.filter((credential) => credential.publicKey);
  if (keyed.length === 0) return refusal("no_credentials", "the source has no active public key");
  const sizes = new Set(keyed.map(({ publicKey }) => keyBytes(publicKey!)));
  // Not the key sizes: this message is also the sender's answer.
  if (!sizes.has(signature.length))
    return refusal("malformed_header", `X-Edenai-Signature is ${signature.length} bytes long, the length of no RSA signature this source can verify`);
  return createVerifier(signature, activeCredentials(keyed));
};

function createVerifier(signature: Buffer, keys: readonly SchemeCredential[]): BodyVerifier {
  const chunks: Buffer[] = [];
  return {
    update: (chunk) => void chunks.push(chunk),
    finish(): Verdict {
      // One chunk stays the same Buffer, so the parse is shared with what follows (parse-once.ts).
      const rawBody = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      let tree: JsonNode;
      try {
        tree = parseJsonOnce(rawBody);
      } catch (error) {
        if (error instanceof InvalidJsonError) return refusal("malformed_body", error.message);
        throw error;
      }
      if (keys.length === 0) return refusal("no_credentials", "the source has no active public key");
      const tried: CanonicalForm[] = [];
      for (const candidate of lazyCanonicalForms(rawBody, tree)) {
        tried.push(candidate.form);
        const credential = matchingKey(signature, candidate, keys);
        if (credential) return { accepted: true, credential, detail: candidate.form };
      }
      return refusal("no_match", `X-Edenai-Signature matches none of the ${keys.length} active key(s) over the forms tried: ${tried.join(", ")}`);
    },
  };
}

/** The first key whose signature over the candidate's hex digest this is (the diagnosis asks it too). */
export function matchingKey(signature: Buffer, candidate: Pick<CanonicalCandidate, "bytes">, keys: readonly SchemeCredential[]): CredentialRef | null {
  const signed = signedMessage(candidate.bytes);
  for (const { id, label, fingerprint, publicKey } of keys) {
    // A signature of the wrong length for this key is simply not a match.
    if (publicKey && verify("sha256", signed, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature)) return { id, label, fingerprint };
  }
  return null;
}

/** Hex signature of one canonical payload, as Eden AI computes it (tests, the sender). */
export function signEdenaiPayload(canonicalBytes: Buffer, privateKey: KeyObject | string): string {
  const key = typeof privateKey === "string" ? createPrivateKey(privateKey) : privateKey;
  return signRsa("sha256", signedMessage(canonicalBytes), { key, padding: constants.RSA_PKCS1_PADDING }).toString("hex");
}

export function keyBytes(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const SHA256_NAMES = new Set(["sha256", "sha-256"]);

/** What is actually fed to RSA: the ASCII hex digest, not the digest bytes. */
export function signedMessage(canonicalBytes: Buffer): Buffer {
  return Buffer.from(createHash("sha256").update(canonicalBytes).digest("hex"), "ascii");
}

function readSignatureHeader(headers: Headers): Buffer | Refusal {
  // The correct spelling wins when a sender sends both.
  const value = EDENAI_SIGNATURE_HEADERS.map((name) => headers.get(name)?.trim()).find(Boolean);
  if (!value) return refusal("missing_header", "X-Edenai-Signature header is missing (also looked for X-Edenai-Signautre)");
  if (!HEX.test(value)) return refusal("malformed_header", "X-Edenai-Signature is not hexadecimal (an RSA signature in hex)");
  return Buffer.from(value, "hex");
}

/** Null when the algorithm header is absent or names SHA-256. */
export function checkHashAlgorithm(value: string | null): Refusal | null {
  if (value === null || SHA256_NAMES.has(value.trim().toLowerCase())) return null;
  return refusal("unsupported_algorithm", `X-Edenai-Hash-Algorithm ${JSON.stringify(value.slice(0, 40))} is not supported; only SHA256 is`);
}

function refusal(code: Refusal["code"], message: string): Refusal {
  return { accepted: false, code, message };
}
