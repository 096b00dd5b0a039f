import type { KeyObject } from "node:crypto";

// The contract every signing scheme meets (issue 14): one pure module per source kind, no I/O,
// in the manner of the standard-webhooks reference library. The receiver streams a body through
// `begin(...).update(...).finish()`; re-verification calls `accept` with the stored bytes; the
// inspector calls `diagnose`, which runs the scheme's own `accept` over body variants and over
// retired credentials rather than restating its rules. This file imports nothing of ours, so
// every layer may depend on it without a cycle.

export type CredentialState = "active" | "revoked" | "expired";

/** A credential with its key material, for this request only. Findings never carry the material. */
export interface SchemeCredential {
  id: string;
  label: string;
  fingerprint: string;
  state: CredentialState;
  /** When it was revoked or expired; null for an active one. */
  retiredAt: Date | null;
  /** A shared secret exactly as the operator entered it (a `whsec_...` string stays a string's bytes). */
  secret?: Buffer;
  /** A public key (RSA for Eden AI, ed25519 for Standard Webhooks `v1a`). */
  publicKey?: KeyObject;
}

/** The credential that verified a delivery, as it is recorded and shown. */
export interface CredentialRef {
  id: string;
  label: string;
  fingerprint: string;
}

/** Per-source settings of a scheme (timestamp tolerance, the generic HMAC's header, ...), validated by the scheme. */
export type SchemeOptions = Readonly<Record<string, unknown>>;

export interface SchemeContext {
  /** The time to check timestamps against. */
  now: Date;
  options: SchemeOptions;
}

export type RefusalCode =
  | "missing_header" // no signature header at all
  | "malformed_header" // present but not in the scheme's encoding
  | "unsupported_algorithm" // a declared algorithm the scheme does not speak
  | "timestamp_out_of_tolerance" // signed too long ago or in the future
  | "no_credentials" // the source has no active credential to check against
  | "no_match" // well-formed, but no active credential produced it
  | "malformed_body"; // the body is not what the scheme signs over (Eden AI: not JSON), whatever its signature

export interface Acceptance {
  accepted: true;
  credential: CredentialRef;
  /** Scheme-specific note of how it matched (e.g. the Eden AI canonical form). */
  detail?: string;
}

export interface Refusal {
  accepted: false;
  code: RefusalCode;
  /** For the log and the inspector; the sender is told less (see SIGNATURE_MISMATCH_ANSWER). */
  message: string;
}

export type Verdict = Acceptance | Refusal;

/** Fed the body chunk by chunk as it arrives; decides once the last byte is in. */
export interface BodyVerifier {
  update(chunk: Buffer): void;
  finish(): Verdict;
}

/** A request as stored: what re-verification and diagnosis work from. */
export interface SignedRequest {
  headers: Headers;
  body: Buffer;
}

export type FindingSeverity = "error" | "warning" | "info" | "success";

/**
 * One thing the inspector worked out. `code` is stable (tests assert it); its wording lives in
 * one table keyed by code, filled in from `facts`.
 */
export interface SchemeFinding {
  code: string;
  severity: FindingSeverity;
  credential?: { label: string; fingerprint: string; state: CredentialState };
  facts?: Readonly<Record<string, string | number | readonly string[]>>;
}

/**
 * What a kind demands of the body beyond its signature. Without it, any body is taken: images
 * in it go to the gallery (multipart file parts, base64 strings in JSON), the rest is stored.
 */
export interface BodyRules {
  /** `multipart`: multipart/form-data with a boundary, else 415; `json`: application/json (or +json), else 415, and valid JSON, else 400. */
  shape: "multipart" | "json";
  /** The one multipart file part that must be there and be a JPEG or PNG by its bytes (matched case-insensitively), e.g. MaskIt's `maskedImage`. */
  imagePart?: string;
}

/** What the log shows of a JSON delivery, when the kind knows its payload (Eden AI's job fields). */
export interface PayloadSummary {
  jobId: string | null;
  jobStatus: string | null;
  provider: string | null;
  feature: string | null;
  subfeature: string | null;
}

export interface Scheme {
  /** The source kind, as stored in `sources.kind`. */
  readonly kind: string;
  /** Header names whose values are the delivery's signature, for the log. */
  readonly signatureHeaders: readonly string[];
  /** Where the signature header is the operator's choice (the generic `hmac` kind): the headers for these options. */
  signatureHeadersFor?(options: SchemeOptions): readonly string[];
  /** What the body must be; absent: any body (see BodyRules). */
  readonly body?: BodyRules;
  /** The log's summary of a JSON payload, if the kind has one. */
  summarize?(json: unknown): PayloadSummary;
  /** Checks the options an operator gives a source of this kind; throws a message naming the bad one. */
  parseOptions(input: unknown): SchemeOptions;
  /** Cheap checks on the headers alone, before any byte of the body: a refusal, or a verifier to feed. */
  begin(headers: Headers, credentials: readonly SchemeCredential[], context: SchemeContext): Refusal | BodyVerifier;
  /** The sender's own id for this delivery, if the scheme has one (`webhook-id`, `X-GitHub-Delivery`, a JSON field). */
  dedupeKey(headers: Headers, json: unknown | undefined, options: SchemeOptions): string | null;
  /** Why a delivery failed (or how it matched), over all credentials including retired ones. */
  diagnose(request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): SchemeFinding[];
}

/** The one-shot form of `begin`/`update`/`finish`, for bodies already in memory. */
export function accept(scheme: Pick<Scheme, "begin">, request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): Verdict {
  const verifier = scheme.begin(request.headers, credentials, context);
  if ("accepted" in verifier) return verifier;
  verifier.update(request.body);
  return verifier.finish();
}

/** Only active credentials verify; retired ones are for diagnosis. */
export function activeCredentials(credentials: readonly SchemeCredential[]): SchemeCredential[] {
  return credentials.filter((credential) => credential.state === "active");
}
