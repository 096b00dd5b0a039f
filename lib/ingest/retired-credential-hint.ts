import { createPublicKey } from "node:crypto";
import { verifyMaskitSignature } from "../signatures/maskit.ts";
import { verifyEdenaiSignature } from "../signatures/edenai.ts";
import type { JsonNode } from "../signatures/edenai-canonical.ts";
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

export function edenaiRetiredHint(source: ReceivingSource, rawBody: Buffer, headers: Headers, tree: JsonNode): string | null {
  for (const retired of source.retired.publicKeys) {
    try {
      verifyEdenaiSignature({ rawBody, headers, tree, keys: [{ ...retired, key: createPublicKey(retired.pem) }] });
      return describe(retired, retired);
    } catch {
      // not this one
    }
  }
  return null;
}

/** How a refusal's reason names a revoked or expired credential; the credential alert rule looks for it. */
export const RETIRED_CREDENTIAL_HINT = "it was made with ";

function describe(credential: CredentialRef, state: RetiredState): string {
  const when = state.revokedAt ? `revoked ${state.revokedAt.toISOString()}` : `expired ${state.expiresAt!.toISOString()}`;
  return `${RETIRED_CREDENTIAL_HINT}"${credential.label}" (${credential.fingerprint}), ${when}`;
}
