import type { ReceivingSource, RetiredState } from "../ingest/find-receiving-source.ts";
import type { EdenaiDiagnosticKey } from "./diagnose-edenai.ts";
import type { MaskitDiagnosticSecret } from "./diagnose-maskit.ts";
import type { DiagnosticCredential } from "./findings.ts";

// Every credential of a source as diagnostics take them: the receiver's view of the source
// (lib/ingest/find-receiving-source.ts, secrets decrypted on the server for this request only),
// active ones first, then revoked and expired ones with when they stopped verifying.

export function diagnosticSecrets(source: ReceivingSource): MaskitDiagnosticSecret[] {
  return [
    ...source.secrets.map((secret) => ({ ...secret, state: "active" as const, retiredAt: null })),
    ...source.retired.secrets.map(({ revokedAt, expiresAt, ...secret }) => ({ ...secret, ...retirement({ revokedAt, expiresAt }) })),
  ];
}

export function diagnosticKeys(source: ReceivingSource): EdenaiDiagnosticKey[] {
  return [
    ...source.publicKeys.map((key) => ({ ...key, state: "active" as const, retiredAt: null })),
    ...source.retired.publicKeys.map(({ revokedAt, expiresAt, ...key }) => ({ ...key, ...retirement({ revokedAt, expiresAt }) })),
  ];
}

function retirement(state: RetiredState): Pick<DiagnosticCredential, "state" | "retiredAt"> {
  return state.revokedAt ? { state: "revoked", retiredAt: state.revokedAt } : { state: "expired", retiredAt: state.expiresAt };
}
