import Link from "next/link";
import type { AlertHistoryEntry } from "@/lib/alerts/list-alerts.ts";
import { DateTime } from "@/components/users/date-time.tsx";
import { CELL, HEAD_CELL, MOBILE_LABEL, ROW, TABLE, TABLE_FRAME, TBODY, THEAD } from "@/components/users/table-classes.ts";

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
        <div className={TABLE_FRAME}>
          <table className={TABLE}>
            <thead className={THEAD}>
              <tr>
                <th className={HEAD_CELL}>When (UTC)</th>
                <th className={HEAD_CELL}>Event</th>
                <th className={HEAD_CELL}>Alert</th>
                <th className={HEAD_CELL}>Channels</th>
              </tr>
            </thead>
            <tbody className={TBODY}>
              {history.map((entry) => (
                <tr key={entry.id} className={ROW}>
                  <td className={CELL}>
                    <span className={MOBILE_LABEL}>When</span>
                    <DateTime value={entry.createdAt} precision="second" />
                  </td>
                  <td className={CELL}>
                    <span className={MOBILE_LABEL}>Event</span>
                    {EVENT_LABEL[entry.event] ?? entry.event}
                  </td>
                  <td className={`${CELL} max-sm:col-span-2`}>
                    <span className={MOBILE_LABEL}>Alert</span>
                    {entry.alert ? <Link href={entry.alert.linkPath} className="underline">{entry.alert.title}</Link> : "Test alert"}
                  </td>
                  <td className={`${CELL} max-sm:col-span-2`}>
                    <span className={MOBILE_LABEL}>Channels</span>
                    {entry.sends.length === 0 ? (
                      <span className="text-slate-400">no channels</span>
                    ) : (
                      <ul className="space-y-0.5">
                        {entry.sends.map((send) => (
                          <li key={send.id} data-send-status={send.status}>
                            {send.channelName}: <span className={SEND_CLASS[send.status] ?? ""}>{send.status === "pending" && send.lastError ? "will retry" : send.status}</span>
                            {send.attempts > 1 && ` after ${send.attempts} attempts`}
                            {send.lastError && <span className="block text-xs text-red-700">{send.lastError}</span>}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
