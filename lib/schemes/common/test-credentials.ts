import { createHash, type KeyObject } from "node:crypto";
import type { CredentialState, SchemeCredential, SchemeContext, SchemeOptions } from "../scheme.ts";

// Credentials and contexts for the schemes' tests: only the shape the receiver will load.

export function secretCredential(label: string, secret: string | Buffer, state: CredentialState = "active"): SchemeCredential {
  const bytes = Buffer.isBuffer(secret) ? secret : Buffer.from(secret, "utf8");
  return {
    id: `id-${label}`,
    label,
    fingerprint: fingerprint(bytes),
    state,
    retiredAt: state === "active" ? null : new Date("2026-11-20T08:00:00Z"),
    secret: bytes,
  };
}

export function publicKeyCredential(label: string, publicKey: KeyObject, state: CredentialState = "active"): SchemeCredential {
  return {
    id: `id-${label}`,
    label,
    fingerprint: fingerprint(publicKey.export({ type: "spki", format: "der" })),
    state,
    retiredAt: state === "active" ? null : new Date("2026-11-20T08:00:00Z"),
    publicKey,
  };
}

export function contextAt(unixSeconds: number, options: SchemeOptions = {}): SchemeContext {
  return { now: new Date(unixSeconds * 1000), options };
}

function fingerprint(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}
