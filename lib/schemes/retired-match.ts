import { accept, type CredentialRef, type Scheme, type SchemeContext, type SchemeCredential, type SignedRequest } from "./scheme.ts";

// After a signature failed against every active credential: does a revoked or expired one
// match? Then the sender still holds an old secret or key, and the refusal's reason says which,
// so the operator knows what to fix. Asked of the scheme's own `accept`, with the retired
// credential presented as if it were active; such a match never verifies a delivery.

export function findRetiredMatch(
  scheme: Pick<Scheme, "begin">,
  request: SignedRequest,
  credentials: readonly SchemeCredential[],
  context: SchemeContext,
): SchemeCredential | null {
  for (const credential of credentials) {
    if (credential.state === "active") continue;
    if (accept(scheme, request, [asActive(credential)], context).accepted) return credential;
  }
  return null;
}

/** A retired credential as `accept` would use an active one: for diagnosis only. */
export function asActive(credential: SchemeCredential): SchemeCredential {
  return { ...credential, state: "active", retiredAt: null };
}

/** How a refusal's reason names a revoked or expired credential; the credential alert rule looks for it. */
export const RETIRED_CREDENTIAL_HINT = "it was made with ";

export function describeRetiredMatch(credential: CredentialRef & Pick<SchemeCredential, "state" | "retiredAt">): string {
  return `${RETIRED_CREDENTIAL_HINT}"${credential.label}" (${credential.fingerprint}), ${credential.state} ${credential.retiredAt?.toISOString()}`;
}
