import { revokeTokenAction } from "@/app/(dashboard)/tokens/actions.ts";
import { ConfirmAction } from "@/components/users/confirm-action.tsx";
import { DateTime } from "@/components/users/date-time.tsx";
import { CELL, HEAD_CELL, MOBILE_LABEL, ROW, TABLE, TABLE_FRAME, TBODY, THEAD } from "@/components/users/table-classes.ts";
import type { ApiTokenStatus, ApiTokenSummary } from "@/lib/auth/list-api-tokens.ts";

const STATUS_STYLE: Record<ApiTokenStatus, string> = {
  active: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  expired: "bg-amber-50 text-amber-800 ring-amber-200",
  revoked: "bg-slate-100 text-slate-600 ring-slate-200",
};

export function TokensTable({ tokens }: { tokens: ApiTokenSummary[] }) {
  if (tokens.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-sm text-slate-500">
        No API tokens yet. Create one for each system that reads deliveries.
      </p>
    );
  }
  return (
    <div className={TABLE_FRAME}>
      <table className={TABLE} aria-label="API tokens">
        <thead className={THEAD}>
          <tr>
            <th scope="col" className={HEAD_CELL}>
              Name
            </th>
            <th scope="col" className={HEAD_CELL}>
              Status
            </th>
            <th scope="col" className={HEAD_CELL}>
              Role
            </th>
            <th scope="col" className={HEAD_CELL}>
              Token
            </th>
            <th scope="col" className={HEAD_CELL}>
              Created
            </th>
            <th scope="col" className={HEAD_CELL}>
              Last used
            </th>
            <th scope="col" className={HEAD_CELL}>
              Expires
            </th>
            <th scope="col" className={HEAD_CELL}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className={TBODY}>
          {tokens.map((token) => (
            <tr key={token.id} className={`${ROW} ${token.status === "active" ? "" : "text-slate-500"}`}>
              <th scope="row" className={`${CELL} text-left font-medium break-words`}>
                {token.name}
              </th>
              <td className={CELL}>
                <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[token.status]}`}>
                  {token.status}
                </span>
                {token.revokedAt && (
                  <span className="mt-1 block text-xs text-slate-500">
                    <DateTime value={token.revokedAt} />
                  </span>
                )}
              </td>
              <td className={CELL}>
                <span className={MOBILE_LABEL} aria-hidden>
                  Role
                </span>
                {token.role}
              </td>
              <td className={CELL}>
                <span className={MOBILE_LABEL} aria-hidden>
                  Token
                </span>
                <code className="font-mono text-xs whitespace-nowrap" title="The first characters only; the rest is never stored">
                  {token.prefix}…
                </code>
              </td>
              <td className={CELL}>
                <span className={MOBILE_LABEL} aria-hidden>
                  Created
                </span>
                <DateTime value={token.createdAt} />
              </td>
              <td className={CELL}>
                <span className={MOBILE_LABEL} aria-hidden>
                  Last used
                </span>
                <DateTime value={token.lastUsedAt} fallback="never" />
              </td>
              <td className={CELL}>
                <span className={MOBILE_LABEL} aria-hidden>
                  Expires
                </span>
                <DateTime value={token.expiresAt} fallback="never" />
              </td>
              <td className={`${CELL} max-sm:col-span-2 sm:text-right`}>
                <ConfirmAction
                  action={revokeTokenAction}
                  fields={{ tokenId: token.id }}
                  label="Revoke"
                  accessibleLabel={`Revoke ${token.name}`}
                  question={`Revoke “${token.name}”? Every request with it is refused from now on; this cannot be undone.`}
                  confirmLabel="Revoke token"
                  isDisabled={token.status !== "active"}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
