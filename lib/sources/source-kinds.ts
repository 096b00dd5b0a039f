import type { SourceKind as PrismaSourceKind } from "../generated/prisma/client.ts";
import type { Scheme, SchemeOptions } from "../schemes/scheme.ts";
import { githubScheme } from "../schemes/github/scheme.ts";
import { hmacScheme } from "../schemes/hmac/scheme.ts";
import { generateStandardSecret, decodeStandardSecret } from "../schemes/standard-webhooks/keys.ts";
import { standardWebhooksScheme } from "../schemes/standard-webhooks/scheme.ts";
import { stripeScheme } from "../schemes/stripe/scheme.ts";
import { SourceError } from "./errors.ts";
import type { SourceKindName } from "./kind-names.ts";

// The source kinds as SPEC.md names them (and as `sources.kind` stores them), what credentials
// each takes, and the options of the kinds that have a lib/schemes module. Prisma cannot spell
// `standard-webhooks` (no hyphen in an identifier): its client calls it `standard_webhooks`.

export { KIND_TITLES, SOURCE_KINDS, type SourceKindName } from "./kind-names.ts";

/** The kinds whose options a lib/schemes module validates. */
export const SCHEME_OF_KIND: Readonly<Partial<Record<SourceKindName, Scheme>>> = {
  "standard-webhooks": standardWebhooksScheme,
  github: githubScheme,
  stripe: stripeScheme,
  hmac: hmacScheme,
};

export class SchemeOptionsInvalidError extends SourceError {}

export function toPrismaKind(kind: SourceKindName): PrismaSourceKind {
  return kind === "standard-webhooks" ? "standard_webhooks" : kind;
}

export function fromPrismaKind(kind: PrismaSourceKind): SourceKindName {
  return kind === "standard_webhooks" ? "standard-webhooks" : kind;
}

/** Every kind but Eden AI verifies with shared secrets. */
export function takesSecrets(kind: SourceKindName): boolean {
  return kind !== "edenai";
}

/** Eden AI: RSA keys; Standard Webhooks: ed25519 keys (v1a) beside its secrets. */
export function publicKeyTypeOf(kind: SourceKindName): "rsa" | "ed25519" | null {
  return kind === "edenai" ? "rsa" : kind === "standard-webhooks" ? "ed25519" : null;
}

/** The kind's options, checked by its scheme (defaults filled in); MaskIt and Eden AI take none. */
export function parseKindOptions(kind: SourceKindName, input: unknown): SchemeOptions {
  const scheme = SCHEME_OF_KIND[kind];
  if (!scheme) {
    if (input !== undefined && input !== null && Object.keys(input as object).length > 0)
      throw new SchemeOptionsInvalidError(`${kind} sources take no options`);
    return {};
  }
  try {
    return scheme.parseOptions(input);
  } catch (error) {
    throw new SchemeOptionsInvalidError(error instanceof Error ? error.message : String(error));
  }
}

/** A new random secret in the form the kind's senders expect (Standard Webhooks: standard base64). */
export function generateSecretFor(kind: SourceKindName, generateDefault: () => string): string {
  return kind === "standard-webhooks" ? generateStandardSecret() : generateDefault();
}

/** Why a pasted secret cannot serve this kind, or null. */
export function secretProblemFor(kind: SourceKindName, secret: string): string | null {
  if (kind === "standard-webhooks" && !decodeStandardSecret(Buffer.from(secret)))
    return "a Standard Webhooks secret is whsec_ followed by base64 (as the sender shows it)";
  return null;
}
