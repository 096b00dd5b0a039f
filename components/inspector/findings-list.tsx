import { shortFingerprint, sortFindings, type Finding, type Severity } from "@/lib/inspection/findings.ts";

// What the inspector worked out about a failed signature, most serious first, each in words an
// operator can act on.

const LOOK: Record<Severity, { label: string; frame: string; badge: string; icon: string }> = {
  error: { label: "Problem", frame: "border-red-200 bg-red-50", badge: "bg-red-600 text-white", icon: "!" },
  warning: { label: "Likely cause", frame: "border-amber-200 bg-amber-50", badge: "bg-amber-500 text-white", icon: "?" },
  success: { label: "Match", frame: "border-emerald-200 bg-emerald-50", badge: "bg-emerald-600 text-white", icon: "✓" },
  info: { label: "Note", frame: "border-slate-200 bg-slate-50", badge: "bg-slate-500 text-white", icon: "i" },
};

export function FindingsList({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return <p className="text-sm text-slate-500">Nothing more could be worked out from the quarantined body.</p>;
  return (
    <ol className="space-y-3" aria-label="Findings">
      {sortFindings(findings).map((finding, index) => {
        const look = LOOK[finding.severity];
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a server-rendered list that never reorders; two findings may share a kind
          <li key={`${finding.kind}-${index}`} data-finding={finding.kind} className={`flex gap-3 rounded-md border p-3 ${look.frame}`}>
            <span aria-hidden className={`mt-0.5 inline-flex size-5 shrink-0 items-center justify-center rounded-full text-xs font-bold ${look.badge}`}>
              {look.icon}
            </span>
            <div className="min-w-0 space-y-1">
              <p className="break-words text-sm font-semibold text-slate-900">
                <span className="sr-only">{look.label}: </span>
                {finding.title}
              </p>
              <p className="break-words text-sm text-slate-700">{finding.detail}</p>
              {finding.credential && (
                <p className="break-all text-xs text-slate-500">
                  {finding.credential.label} · <span className="font-mono">{shortFingerprint(finding.credential.fingerprint)}</span> ·{" "}
                  {finding.credential.state}
                </p>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
