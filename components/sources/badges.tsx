import type { CredentialStatus } from "@/lib/sources/credential-status.ts";
import { KIND_TITLES, type SourceKindName } from "@/lib/sources/kind-names.ts";
import { formatDistance, formatUtc } from "./format-time.ts";

const BADGE = "inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

export function EnabledBadge({ isEnabled }: { isEnabled: boolean }) {
  return isEnabled ? (
    <span className={`${BADGE} bg-emerald-50 text-emerald-700 ring-emerald-200`}>Enabled</span>
  ) : (
    <span className={`${BADGE} bg-slate-100 text-slate-600 ring-slate-300`}>Disabled</span>
  );
}

export function KindBadge({ kind }: { kind: SourceKindName }) {
  return <span className={`${BADGE} bg-white text-slate-700 ring-slate-300`}>{KIND_TITLES[kind] ?? kind}</span>;
}

export function CredentialStatusBadge({ status, now }: { status: CredentialStatus; now: Date }) {
  switch (status.state) {
    case "active":
      return <span className={`${BADGE} bg-emerald-50 text-emerald-700 ring-emerald-200`}>Active</span>;
    case "expiring":
      return (
        <span className="inline-flex flex-col items-start gap-0.5">
          <span className={`${BADGE} bg-amber-50 text-amber-800 ring-amber-200`}>Expiring</span>
          <span className="text-xs text-slate-500">
            at <time dateTime={status.at.toISOString()}>{formatUtc(status.at)}</time> ({formatDistance(status.at, now)})
          </span>
        </span>
      );
    case "expired":
      return (
        <span className={`${BADGE} bg-slate-100 text-slate-600 ring-slate-300`} title={`expired ${formatUtc(status.at)}`}>
          Expired
        </span>
      );
    case "revoked":
      return (
        <span className={`${BADGE} bg-red-50 text-red-700 ring-red-200`} title={`revoked ${formatUtc(status.at)}`}>
          Revoked
        </span>
      );
  }
}
