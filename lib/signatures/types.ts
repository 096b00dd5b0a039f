// Shared vocabulary of the signature schemes. Each scheme is a pure module (no I/O) that takes
// the raw bytes as received and the source's active credentials, and says which one matched.

/** What a scheme needs to know about a credential; never the secret's origin or ciphertext. */
export interface CredentialRef {
  id: string;
  label: string;
  fingerprint: string;
}

export type SignatureFailureCode =
  | "missing_header" // no signature header at all
  | "malformed_header" // present but not the expected encoding (e.g. not hex)
  | "unsupported_algorithm" // a declared algorithm this scheme does not speak
  | "no_credentials" // the source has no active credential to check against
  | "no_match"; // well-formed, but no active credential produced it

/** The one error type of the signature modules: why a delivery could not be verified. */
export class SignatureError extends Error {
  constructor(
    readonly code: SignatureFailureCode,
    message: string,
  ) {
    super(message);
    this.name = "SignatureError";
  }
}

export interface SignatureMatch {
  credential: CredentialRef;
  /** Scheme-specific detail of how it matched, e.g. the Eden AI canonical form. */
  detail?: string;
}
