import { verifyMaskitSignature } from "../signatures/maskit.ts";
import type { CredentialRef } from "../signatures/types.ts";
import type { ReceivingSource, RetiredState } from "./find-receiving-source.ts";

// After a signature failed against every active credential: does a revoked or expired one
// match? Then the sender still holds an old secret or key, and the reason says which, so the
// operator knows what to fix. Such a match never verifies a delivery.

export function maskitRetiredHint(source: ReceivingSource, rawBody: Buffer, signatureHeader: string | null): string | null {
  for (const secret of source.retired.secrets) {
    try {
      verifyMaskitSignature(rawBody, signatureHeader, [secret]);
      return describe(secret, secret);
    } catch {
      // not this one
    }
  }
  return null;
}

/** The worker's finding (lib/json-analysis/json-tasks.ts) that a retired key matches, worded. */
export function describeRetiredMatch(credential: CredentialRef, state: RetiredState): string {
  return describe(credential, state);
}

/** How a refusal's reason names a revoked or expired credential; the credential alert rule looks for it. */
export const RETIRED_CREDENTIAL_HINT = "it was made with ";

function describe(credential: CredentialRef, state: RetiredState): string {
  const when = state.revokedAt ? `revoked ${state.revokedAt.toISOString()}` : `expired ${state.expiresAt!.toISOString()}`;
  return `${RETIRED_CREDENTIAL_HINT}"${credential.label}" (${credential.fingerprint}), ${when}`;
}
