import Link from "next/link";
import type { AlertHistoryEntry } from "@/lib/alerts/list-alerts.ts";
import { DateTime } from "@/components/users/date-time.tsx";
import { DataTable } from "@/components/ui/data-table.tsx";

const EVENT_LABEL: Record<string, string> = { fired: "fired", repeated: "still firing", resolved: "resolved", test: "test" };
const SEND_CLASS: Record<string, string> = { sent: "text-emerald-700", failed: "text-red-700", pending: "text-amber-700", sending: "text-amber-700" };

/** Every notification, newest first, with what happened on each channel. */
export function AlertHistory({ history }: { history: AlertHistoryEntry[] }) {
  return (
    <section aria-labelledby="history-heading" className="space-y-3">
      <h2 id="history-heading" className="text-base font-semibold">
        History
      </h2>
      {history.length === 0 ? (
        <p className="text-sm text-slate-500">Nothing sent yet.</p>
      ) : (
        <DataTable
          rows={history}
          rowKey={(entry) => entry.id}
          columns={[
            { label: "When (UTC)", cell: (entry) => <DateTime value={entry.createdAt} precision="second" /> },
            { label: "Event", cell: (entry) => EVENT_LABEL[entry.event] ?? entry.event },
            {
              label: "Alert",
              className: "max-sm:col-span-2",
              cell: (entry) =>
                entry.alert ? (
                  <Link href={entry.alert.linkPath} className="underline">
                    {entry.alert.title}
                  </Link>
                ) : (
                  "Test alert"
                ),
            },
            { label: "Channels", className: "max-sm:col-span-2", cell: (entry) => <Sends sends={entry.sends} /> },
          ]}
        />
      )}
    </section>
  );
}

function Sends({ sends }: { sends: AlertHistoryEntry["sends"] }) {
  if (sends.length === 0) return <span className="text-slate-400">no channels</span>;
  return (
    <ul className="space-y-0.5">
      {sends.map((send) => (
        <li key={send.id} data-send-status={send.status}>
          {send.channelName}: <span className={SEND_CLASS[send.status] ?? ""}>{send.status === "pending" && send.lastError ? "will retry" : send.status}</span>
          {send.attempts > 1 && ` after ${send.attempts} attempts`}
          {send.lastError && <span className="block text-xs text-red-700">{send.lastError}</span>}
        </li>
      ))}
    </ul>
  );
}
