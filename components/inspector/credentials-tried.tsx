import { describeRetirement, type CredentialResult } from "@/lib/inspection/findings.ts";
import { CELL, HEAD_CELL, MOBILE_LABEL, ROW, TABLE, TBODY, THEAD } from "@/components/users/table-classes.ts";
import { Missing } from "./section.tsx";

// Every credential of the source, active and retired, and how it fared against the body:
// the receiver's own check, plus the altered bodies and encodings the diagnosis tried.

const RESULT: Record<CredentialResult["result"], { text: string; className: string }> = {
  matches: { text: "matches", className: "text-emerald-700" },
  "matches-altered": { text: "matches an altered body or encoding", className: "text-amber-800" },
  "no-match": { text: "no match", className: "text-slate-600" },
};

const STATE: Record<CredentialResult["state"], string> = {
  active: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  revoked: "bg-red-50 text-red-700 ring-red-200",
  expired: "bg-slate-100 text-slate-600 ring-slate-300",
};

export function CredentialsTried({ credentials }: { credentials: CredentialResult[] }) {
  if (credentials.length === 0) return <Missing>This source has no credentials at all.</Missing>;
  return (
    <div className="overflow-hidden rounded-md border border-slate-200">
      <table className={TABLE}>
        <caption className="sr-only">Credentials tried</caption>
        <thead className={THEAD}>
          <tr>
            {["Label", "Fingerprint", "State", "Result"].map((name) => (
              <th key={name} scope="col" className={HEAD_CELL}>
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={TBODY}>
          {credentials.map((credential) => (
            <tr key={credential.id} data-credential={credential.label} className={ROW}>
              <td className={`${CELL} break-words font-medium text-slate-900 max-sm:col-span-2`}>
                <span className={MOBILE_LABEL}>Label</span>
                {credential.label}
              </td>
              <td className={`${CELL} break-all font-mono text-xs text-slate-600 max-sm:col-span-2`}>
                <span className={`${MOBILE_LABEL} font-sans`}>Fingerprint</span>
                {credential.fingerprint}
              </td>
              <td className={CELL}>
                <span className={MOBILE_LABEL}>State</span>
                <span
                  className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE[credential.state]}`}
                  title={describeRetirement(credential)}
                >
                  {credential.state}
                </span>
              </td>
              <td className={CELL}>
                <span className={MOBILE_LABEL}>Result</span>
                <span className={`font-medium sm:whitespace-nowrap ${RESULT[credential.result].className}`}>{RESULT[credential.result].text}</span>
                {credential.note && <span className="block break-words text-xs text-slate-500">{credential.note}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
