// What can go wrong when an operator changes a source or its credentials. Each message is
// written to be shown to the operator as it is, and none ever quotes a secret or a pasted key.

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class SourceNotFoundError extends SourceError {
  constructor() {
    super("This source no longer exists; it may have just been deleted.");
  }
}

export class CredentialNotFoundError extends SourceError {
  constructor() {
    super("This credential no longer exists; its source may have just been deleted.");
  }
}

/** Revoked or expired: it no longer verifies anything, so it cannot be rotated or revoked again. */
export class CredentialInactiveError extends SourceError {}

/** A shared secret offered to an Eden AI source, a public key to a MaskIt one, and so on. */
export class CredentialKindError extends SourceError {}

/** The same secret or key is, or was, a credential of this source. */
export class DuplicateCredentialError extends SourceError {}

export class InvalidPublicKeyError extends SourceError {}

export class SlugConfirmationError extends SourceError {
  constructor(slug: string) {
    super(`To delete this source, type its slug "${slug}" exactly.`);
  }
}

export class InvalidExpiryError extends SourceError {}
