import { createHmac, timingSafeEqual, type Hmac } from "node:crypto";
import type { BodyVerifier, CredentialRef, Verdict } from "../scheme.ts";

// The streaming core every HMAC scheme here shares: one HMAC per credential, the signed prefix
// (`id.timestamp.`, `t.`) fed first, then each body chunk as it arrives; at the end every digest
// is compared with every signature the header carried, all of them, so that the time taken does
// not tell which credential or which signature came close.

export interface HmacKey {
  credential: CredentialRef;
  key: Buffer;
}

export interface HmacVerifierOptions {
  algorithm: "sha1" | "sha256" | "sha384" | "sha512";
  keys: readonly HmacKey[];
  /** Bytes signed before the body, e.g. `msg_1.1700000000.`; empty for the raw body. */
  prefix: Buffer;
  /** The signatures the header carried, decoded; any one matching any key is enough. */
  candidates: readonly Buffer[];
  /** The refusal message when none matches, e.g. "webhook-signature matches none of 2 secrets". */
  noMatchMessage: string;
}

export function createHmacVerifier(options: HmacVerifierOptions): BodyVerifier {
  const macs: Array<{ credential: CredentialRef; hmac: Hmac }> = options.keys.map(({ credential, key }) => {
    const hmac = createHmac(options.algorithm, key);
    hmac.update(options.prefix);
    return { credential, hmac };
  });
  let isFinished = false;
  return {
    update(chunk) {
      for (const { hmac } of macs) hmac.update(chunk);
    },
    finish(): Verdict {
      if (isFinished) throw new Error("BodyVerifier.finish called twice");
      isFinished = true;
      const match = firstMatch(
        macs.map(({ credential, hmac }) => ({ credential, digest: hmac.digest() })),
        options.candidates,
      );
      if (match) return { accepted: true, credential: match };
      return { accepted: false, code: "no_match", message: options.noMatchMessage };
    },
  };
}

/** Compares every digest with every candidate (no early exit) and returns the first credential that matched. */
export function firstMatch(digests: ReadonlyArray<{ credential: CredentialRef; digest: Buffer }>, candidates: readonly Buffer[]): CredentialRef | null {
  let match: CredentialRef | null = null;
  for (const { credential, digest } of digests) {
    for (const candidate of candidates) {
      if (equalBytes(digest, candidate) && !match) match = credential;
    }
  }
  return match;
}

/** Constant time for equal lengths; a length mismatch is not secret (digest sizes are public). */
export function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Only what a delivery may record about a credential: never its material. */
export function refOf(credential: CredentialRef): CredentialRef {
  return { id: credential.id, label: credential.label, fingerprint: credential.fingerprint };
}
