import { DateTime } from "@/components/users/date-time.tsx";
import { CELL, HEAD_CELL, MOBILE_LABEL, ROW, TABLE, TABLE_FRAME, TBODY, THEAD } from "@/components/users/table-classes.ts";
import type { AuditEventSummary } from "@/lib/audit/list-audit-events.ts";
import { AuditDetail } from "./audit-detail.tsx";

export function AuditTable({ events }: { events: AuditEventSummary[] }) {
  return (
    <div className={TABLE_FRAME}>
      <table className={TABLE} aria-label="Audit log">
        <thead className={THEAD}>
          <tr>
            <th scope="col" className={HEAD_CELL}>
              Time (UTC)
            </th>
            <th scope="col" className={HEAD_CELL}>
              Actor
            </th>
            <th scope="col" className={HEAD_CELL}>
              Action
            </th>
            <th scope="col" className={HEAD_CELL}>
              Target
            </th>
            <th scope="col" className={HEAD_CELL}>
              Detail
            </th>
            <th scope="col" className={HEAD_CELL}>
              IP
            </th>
          </tr>
        </thead>
        <tbody className={TBODY}>
          {events.map((event) => (
            <tr key={event.id} className={ROW}>
              <td className={`${CELL} text-slate-600`}>
                <DateTime value={event.at} precision="second" />
              </td>
              <td className={`${CELL} max-sm:break-all sm:whitespace-nowrap`}>
                <span className={MOBILE_LABEL} aria-hidden>
                  Actor
                </span>
                {event.actorName}
                {event.actorKind !== "user" && <span className="ml-1.5 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{event.actorKind}</span>}
              </td>
              <td className={CELL}>
                <span className={MOBILE_LABEL} aria-hidden>
                  Action
                </span>
                <code className="font-mono text-xs whitespace-nowrap text-slate-900">{event.action}</code>
              </td>
              <td className={`${CELL} max-sm:break-all sm:whitespace-nowrap`}>
                <span className={MOBILE_LABEL} aria-hidden>
                  Target
                </span>
                {event.targetType ? (
                  <>
                    <span className="text-xs text-slate-500">{event.targetType} </span>
                    {event.targetName ?? <code className="font-mono text-xs">{event.targetId?.slice(0, 8)}</code>}
                  </>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
              <td className={`${CELL} max-sm:col-span-2 sm:max-w-md`}>
                <span className={MOBILE_LABEL} aria-hidden>
                  Detail
                </span>
                <AuditDetail detail={event.detail} />
              </td>
              <td className={`${CELL} font-mono text-xs text-slate-500 max-sm:col-span-2`}>
                <span className={`${MOBILE_LABEL} font-sans`} aria-hidden>
                  IP
                </span>
                {event.ip ? displayAddress(event.ip) : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `::ffff:203.0.113.9` is how Node reports an IPv4 client on a dual-stack socket. */
function displayAddress(ip: string): string {
  return ip.replace(/^::ffff:(?=\d{1,3}(\.\d{1,3}){3}$)/i, "");
}
