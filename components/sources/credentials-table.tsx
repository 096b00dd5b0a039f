import { isVerifying } from "@/lib/sources/credential-status.ts";
import type { CredentialSummary } from "@/lib/sources/list-credentials.ts";
import { CredentialStatusBadge } from "./badges.tsx";
import { RevokeCredentialDialog } from "./revoke-credential-dialog.tsx";
import { RotateSecretDialog } from "./rotate-secret-dialog.tsx";
import { Timestamp } from "./timestamp.tsx";

// Labels, fingerprints and dates only: a secret is never on this page. A table on wide
// screens; below `lg` each credential becomes a card.

export function CredentialsTable({ credentials, now, canManage }: { credentials: CredentialSummary[]; now: Date; canManage: boolean }) {
  if (credentials.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-500">
        No credentials yet: every delivery fails until one is added.
      </p>
    );
  }
  const activeCount = credentials.filter((credential) => isVerifying(credential.status)).length;
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-sm">
        <caption className="sr-only">Credentials</caption>
        <thead className="hidden border-b border-slate-200 bg-slate-50 text-left text-xs text-slate-500 lg:table-header-group">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">
              Label
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Fingerprint
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Created
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Last matched
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Expiry
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Status
            </th>
            {canManage && (
              <th scope="col" className="px-4 py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {credentials.map((credential) => {
            const isActive = isVerifying(credential.status);
            return (
              <tr
                key={credential.id}
                className={`grid grid-cols-2 gap-x-4 gap-y-3 p-4 lg:table-row lg:p-0 ${isActive ? "" : "text-slate-500"}`}
                data-credential={credential.label}
              >
                <td className="col-span-2 min-w-0 lg:px-4 lg:py-3 lg:align-top">
                  <span className="font-medium">{credential.label}</span>
                  <span className="block text-xs text-slate-500">
                    {credential.kind === "hmac_secret"
                      ? "Shared secret"
                      : credential.kind === "ed25519_public_key"
                        ? "Ed25519 public key"
                        : `RSA ${credential.bits ?? "?"}-bit public key`}
                  </span>
                </td>
                <td className="col-span-2 min-w-0 lg:col-span-1 lg:px-4 lg:py-3 lg:align-top">
                  <CellLabel>Fingerprint</CellLabel>
                  <Fingerprint value={credential.fingerprint} />
                </td>
                <td className="lg:px-4 lg:py-3 lg:align-top lg:whitespace-nowrap">
                  <CellLabel>Created</CellLabel>
                  <Timestamp date={credential.createdAt} now={now} style="absolute" />
                </td>
                <td className="lg:px-4 lg:py-3 lg:align-top lg:whitespace-nowrap">
                  <CellLabel>Last matched</CellLabel>
                  <Timestamp date={credential.lastMatchedAt} now={now} />
                </td>
                <td className="lg:px-4 lg:py-3 lg:align-top lg:whitespace-nowrap">
                  <CellLabel>Expiry</CellLabel>
                  {credential.expiresAt ? <Timestamp date={credential.expiresAt} now={now} style="absolute" /> : <span className="text-slate-400">none</span>}
                </td>
                <td className="lg:px-4 lg:py-3 lg:align-top">
                  <CellLabel>Status</CellLabel>
                  <CredentialStatusBadge status={credential.status} now={now} />
                </td>
                {canManage && (
                  <td className="col-span-2 lg:px-4 lg:py-3 lg:align-top">
                    {/* Rotate stays offered while the secret verifies, so that the dialog showing
                        the new secret is not unmounted when the old one turns "expiring". */}
                    {isActive && (
                      <span className="flex flex-wrap gap-2 lg:justify-end">
                        {credential.kind === "hmac_secret" && <RotateSecretDialog credentialId={credential.id} label={credential.label} />}
                        <RevokeCredentialDialog
                          credential={{ id: credential.id, label: credential.label, fingerprint: credential.fingerprint, kind: credential.kind }}
                          isLastActive={activeCount === 1}
                        />
                      </span>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Short fingerprints (secrets) in full; a 64-digit key fingerprint as its ends, in full on hover and when copied. */
function Fingerprint({ value }: { value: string }) {
  const isLong = value.length > 24;
  return (
    <span className="font-mono text-xs" title={value}>
      {isLong ? (
        <>
          <span aria-hidden="true">
            {value.slice(0, 8)}…{value.slice(-8)}
          </span>
          <span className="sr-only">{value}</span>
        </>
      ) : (
        value
      )}
    </span>
  );
}

function CellLabel({ children }: { children: React.ReactNode }) {
  return <span className="mb-1 block text-xs font-medium text-slate-500 lg:hidden">{children}</span>;
}
