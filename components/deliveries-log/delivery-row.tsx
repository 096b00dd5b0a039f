import Link from "next/link";
import { DateTime } from "@/components/users/date-time.tsx";
import { CELL, MOBILE_LABEL, ROW } from "@/components/users/table-classes.ts";
import type { DeliveryLogRow } from "./delivery-log-row.ts";
import { formatBytes } from "./format-bytes.ts";
import { DeliveryStatusBadge } from "./status-badge.tsx";

// One delivery in the log; rendered on the server for a page and in the browser for a live
// arrival, so it holds no state. The whole row opens the inspector (the time is the link,
// stretched over the row); only the reason's expander sits above it.

export const DELIVERY_COLUMNS = ["Time (UTC)", "Source", "Status", "HTTP", "Reason", "Metadata / job", "Size", "Credential"];

const REASON_INLINE_LENGTH = 56;

export function DeliveryRow({ delivery, isNew = false }: { delivery: DeliveryLogRow; isNew?: boolean }) {
  return (
    <tr
      data-delivery-id={delivery.id}
      className={`${ROW} relative transition-colors duration-1000 motion-reduce:transition-none ${isNew ? "bg-sky-50" : "hover:bg-slate-50"}`}
    >
      <td className={CELL}>
        <span className={MOBILE_LABEL} aria-hidden>
          Time (UTC)
        </span>
        <Link
          href={`/deliveries/${delivery.id}`}
          prefetch={false}
          className="font-medium text-slate-900 underline-offset-2 after:absolute after:inset-0 after:rounded-sm hover:underline focus-visible:outline-none focus-visible:after:ring-2 focus-visible:after:ring-slate-500"
        >
          <span className="sr-only">Inspect the delivery of </span>
          <DateTime value={delivery.receivedAt} precision="second" />
        </Link>
      </td>
      <td className={`${CELL} max-sm:break-all sm:whitespace-nowrap`}>
        <span className={MOBILE_LABEL} aria-hidden>
          Source
        </span>
        {delivery.source}
      </td>
      <td className={CELL}>
        <span className={MOBILE_LABEL} aria-hidden>
          Status
        </span>
        <DeliveryStatusBadge status={delivery.status} />
        {delivery.reverifiedAt && (
          // The HTTP status and reason beside it are what the sender was answered on arrival.
          <span className="mt-1 block text-xs whitespace-nowrap text-slate-500" title={`Re-verified by ${delivery.reverifiedBy ?? "an operator"}`}>
            re-verified <DateTime value={delivery.reverifiedAt} precision="minute" />
          </span>
        )}
      </td>
      <td className={`${CELL} font-mono tabular-nums text-slate-700`}>
        <span className={`${MOBILE_LABEL} font-sans`} aria-hidden>
          HTTP status
        </span>
        {delivery.httpStatus}
      </td>
      <td className={`${CELL} max-sm:col-span-2`}>
        <span className={MOBILE_LABEL} aria-hidden>
          Reason
        </span>
        <Reason text={delivery.reason} />
      </td>
      <td className={`${CELL} max-sm:col-span-2`}>
        <span className={MOBILE_LABEL} aria-hidden>
          {delivery.jobId ? "Eden AI job" : "Metadata"}
        </span>
        <Metadata delivery={delivery} />
      </td>
      <td className={`${CELL} whitespace-nowrap tabular-nums text-slate-700`}>
        <span className={MOBILE_LABEL} aria-hidden>
          Size
        </span>
        <span title={delivery.bodySize === null ? "not read (refused before the body)" : `${delivery.bodySize.toLocaleString("en-US")} bytes`}>
          {formatBytes(delivery.bodySize)}
        </span>
      </td>
      <td className={CELL}>
        <span className={MOBILE_LABEL} aria-hidden>
          Credential
        </span>
        <Credential value={delivery.matchedCredential} />
      </td>
    </tr>
  );
}

/** Short reasons in full; long ones on one line, whole on hover (title) or when expanded (touch). */
function Reason({ text }: { text: string | null }) {
  if (!text) return <span className="text-slate-400">—</span>;
  if (text.length <= REASON_INLINE_LENGTH && !text.includes("\n")) return <span className="text-slate-700">{text}</span>;
  return (
    <details className="group relative z-10 sm:max-w-xs">
      <summary title={text} className="flex cursor-pointer list-none gap-1 text-slate-700 [&::-webkit-details-marker]:hidden">
        <span className="min-w-0 truncate group-open:whitespace-pre-wrap group-open:break-words">{text}</span>
        <span aria-hidden className="shrink-0 text-xs text-slate-400 group-open:rotate-180">
          ▾
        </span>
      </summary>
    </details>
  );
}

function Metadata({ delivery }: { delivery: DeliveryLogRow }) {
  if (delivery.jobId) {
    const feature = [delivery.feature, delivery.subfeature].filter(Boolean).join(" / ");
    return (
      <span className="block min-w-0 sm:max-w-56">
        <span className="block truncate font-mono text-xs text-slate-900" title={delivery.jobId}>
          <span className="font-sans text-slate-500">job </span>
          {delivery.jobId}
        </span>
        {(feature || delivery.provider) && (
          <span className="block truncate text-xs text-slate-500">
            {feature}
            {feature && delivery.provider && " · "}
            {delivery.provider}
          </span>
        )}
      </span>
    );
  }
  if (delivery.metadata === null) return <span className="text-slate-400">—</span>;
  if (delivery.metadata === "") return <span className="text-slate-400 italic">empty</span>;
  return (
    <span className="block truncate text-slate-900 sm:max-w-56" title={delivery.metadata}>
      {delivery.metadata}
    </span>
  );
}

/** Stored as "label (fingerprint)": the label reads first, the fingerprint below it. */
function Credential({ value }: { value: string | null }) {
  if (!value) return <span className="text-slate-400">—</span>;
  const match = /^(.*) \(([^()]+)\)$/s.exec(value);
  const [label, fingerprint] = match ? [match[1], match[2]] : [value, null];
  return (
    <span className="block min-w-0 sm:max-w-48" title={value}>
      <span className="block truncate text-slate-700">{label}</span>
      {fingerprint && <span className="block truncate font-mono text-xs text-slate-500">{fingerprint}</span>}
    </span>
  );
}
