"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useDeliveryEvents } from "@/components/live/use-delivery-events.ts";
import { HEAD_CELL, TABLE, TABLE_FRAME, TBODY, THEAD } from "@/components/users/table-classes.ts";
import type { DeliveryFilters } from "@/lib/deliveries/delivery-filters.ts";
import { DeliveryRow, DELIVERY_COLUMNS } from "./delivery-row.tsx";
import { toDeliveryLogRow, type DeliveryLogRow } from "./delivery-log-row.ts";
import { matchesFilters, mayMatchFilters } from "./matches-filters.ts";

// The log's table, kept current: each live delivery event that could match the filters is
// fetched (GET /api/deliveries/<id>), checked against every filter, and put at the top with a
// highlight that fades. On an older page, or past MAX_LIVE_ROWS, matching arrivals are only
// counted, behind a button that shows the newest page. The page's own rows come in as
// `children` (rendered on the server); the page remounts this component when they change.

const MAX_LIVE_ROWS = 100;
const HIGHLIGHT_MS = 4_000;

interface LiveDeliveriesTableProps {
  filters: DeliveryFilters;
  /** Only the newest page takes live rows; older pages count them. */
  isNewestPage: boolean;
  newestHref: string;
  /** The ids the server rendered, so that an event for one of them adds nothing. */
  renderedIds: string[];
  /** The server's tbody: its rows, or its empty-state row (hidden once live rows arrive). */
  children: React.ReactNode;
  isEmpty: boolean;
  /** The newest sequence number when the server rendered (latestDeliverySeq): the stream catches up from it. */
  since: string;
}

export function LiveDeliveriesTable({ filters, isNewestPage, newestHref, renderedIds, children, isEmpty, since }: LiveDeliveriesTableProps) {
  const router = useRouter();
  const [rows, setRows] = useState<DeliveryLogRow[]>([]);
  const [freshIds, setFreshIds] = useState<ReadonlySet<string>>(() => new Set());
  const [unshownCount, setUnshownCount] = useState(0);
  const [announcement, setAnnouncement] = useState("");
  const seenIds = useRef(new Set(renderedIds));
  const liveIds = useRef(new Set<string>());

  useDeliveryEvents(async (event) => {
    // A second event for a delivery on the page is a change to it (a re-verification).
    if (seenIds.current.has(event.id)) return void updateRow(event.id);
    if (!mayMatchFilters(event, filters)) return;
    seenIds.current.add(event.id);
    const row = await fetchRow(event.id);
    if (!row || !matchesFilters(row, filters)) return;
    if (!isNewestPage || rows.length >= MAX_LIVE_ROWS) {
      setUnshownCount((count) => count + 1);
      return;
    }
    liveIds.current.add(row.id);
    setRows((current) => [...current, row].sort(newestFirst));
    setFreshIds((current) => new Set(current).add(row.id));
    setAnnouncement(`New ${row.status} delivery from ${row.source}`);
    setTimeout(() => setFreshIds((current) => withoutId(current, row.id)), HIGHLIGHT_MS);
  }, since);

  /** A live row is fetched again; a row the server rendered, by rendering the page again. */
  async function updateRow(id: string) {
    if (!liveIds.current.has(id)) return router.refresh();
    const row = await fetchRow(id);
    if (row) setRows((current) => current.map((existing) => (existing.id === id ? row : existing)));
  }

  const showLabel = `${unshownCount} new ${unshownCount === 1 ? "delivery" : "deliveries"} — show`;
  return (
    <div className="space-y-2">
      <p role="status" className="sr-only">
        {announcement}
      </p>
      {unshownCount > 0 &&
        (isNewestPage ? (
          <button type="button" onClick={() => router.refresh()} className={SHOW_NEW}>
            {showLabel}
          </button>
        ) : (
          <Link href={newestHref} className={SHOW_NEW}>
            {showLabel}
          </Link>
        ))}
      <div className={TABLE_FRAME}>
        <table className={TABLE} aria-label="Deliveries">
          <thead className={THEAD}>
            <tr>
              {DELIVERY_COLUMNS.map((column) => (
                <th key={column} scope="col" className={HEAD_CELL}>
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          {rows.length > 0 && (
            <tbody className={`${TBODY} border-b border-slate-200`}>
              {rows.map((row) => (
                <DeliveryRow key={row.id} delivery={row} isNew={freshIds.has(row.id)} />
              ))}
            </tbody>
          )}
          {isEmpty && rows.length > 0 ? null : children}
        </table>
      </div>
    </div>
  );
}

const SHOW_NEW = "block w-full rounded-lg border border-sky-200 bg-sky-50 px-3 py-2 text-center text-sm font-medium text-sky-800 hover:bg-sky-100";

async function fetchRow(id: string): Promise<DeliveryLogRow | null> {
  try {
    const response = await fetch(`/api/deliveries/${encodeURIComponent(id)}`, { cache: "no-store" });
    return response.ok ? toDeliveryLogRow(await response.json()) : null;
  } catch {
    // Offline for a moment: the row appears on the next load; the stream itself reconnects.
    return null;
  }
}

function newestFirst(a: DeliveryLogRow, b: DeliveryLogRow): number {
  return b.receivedAt.getTime() - a.receivedAt.getTime() || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);
}

function withoutId(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  const next = new Set(ids);
  next.delete(id);
  return next;
}
