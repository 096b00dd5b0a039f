import type { Metadata } from "next";
import Link from "next/link";
import { ZodError } from "zod";
import { DeliveriesFilters, type DeliveryFilterValues } from "@/components/deliveries-log/deliveries-filters.tsx";
import { DeliveryRow, DELIVERY_COLUMNS } from "@/components/deliveries-log/delivery-row.tsx";
import { LiveDeliveriesTable } from "@/components/deliveries-log/live-deliveries-table.tsx";
import { ReplayFilteredButton, ResentNotice } from "@/components/deliveries-log/replay-filtered-button.tsx";
import { DeletedNotice, DeleteQuarantinedButton } from "@/components/inspector/delete-quarantined-button.tsx";
import { TBODY } from "@/components/users/table-classes.ts";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { deliveryFilterQuery, deliveryFilters, listSourceOptions, type DeliveryFilters } from "@/lib/deliveries/delivery-filters.ts";
import { latestDeliverySeq } from "@/lib/events/delivery-events.ts";
import { listDeliveries, listDeliveriesQuery, type DeliverySummary } from "@/lib/deliveries/list-deliveries.ts";

export const metadata: Metadata = { title: "Deliveries" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

export default async function DeliveriesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const operator = await requirePageOperator("/deliveries");
  const params = await searchParams;
  const values: DeliveryFilterValues = {
    source: first(params.source),
    status: first(params.status),
    q: first(params.q),
    from: first(params.from),
    to: first(params.to),
    forwarding: first(params.forwarding),
  };
  const cursor = first(params.cursor);
  // Not in the form; kept in the page links so that a shorter page (?limit=20) stays short.
  const limit = first(params.limit);
  // Read before the rows: whatever commits after it reaches the live table through the stream's catch-up.
  const since = await latestDeliverySeq();
  const [sources, result] = await Promise.all([listSourceOptions(), loadPage(values, cursor, limit)]);
  const isFiltered = Object.values(values).some(Boolean);
  const newestHref = logHref({ ...values, limit });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-lg font-semibold">Deliveries</h1>
          <p className="mt-1 text-sm text-slate-500">
            Every request that reached a source, newest first, with why it was refused. New deliveries appear at the top as they arrive. Times are UTC.
          </p>
        </div>
        <div className="flex flex-wrap items-start gap-3">
          {operator.role === "admin" && !("problem" in result) && <ReplayFilteredButton filters={result.filters} />}
          {operator.role === "admin" && !("problem" in result) && <DeleteQuarantinedButton filters={result.filters} />}
          <a
            href={`/api/deliveries/export${queryOf(values)}`}
            download
            className="inline-flex h-9 items-center rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-700 hover:bg-slate-100"
          >
            Export CSV
          </a>
        </div>
      </div>
      <DeletedNotice count={first(params.deleted)} />
      <ResentNotice resent={first(params.resent)} queued={first(params.queued)} />
      {/* Keyed by the filters: its fields are uncontrolled, and must show the URL's values after "Clear" or Back. */}
      <DeliveriesFilters key={newestHref} values={values} sources={sources} />
      {"problem" in result ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          These filters cannot be used: {result.problem}.{" "}
          <Link href="/deliveries" className="font-medium underline">
            Show the newest deliveries
          </Link>
        </p>
      ) : (
        <LiveDeliveriesTable
          // A new set of server rows (filters, page, refresh) starts the live rows afresh.
          key={`${newestHref}|${cursor ?? ""}|${result.items[0]?.id ?? ""}`}
          filters={result.filters}
          isNewestPage={!cursor}
          newestHref={newestHref}
          renderedIds={result.items.map((item) => item.id)}
          isEmpty={result.items.length === 0}
          since={since}
        >
          <tbody className={TBODY}>
            {result.items.length === 0 ? (
              <tr className="max-sm:block">
                <td colSpan={DELIVERY_COLUMNS.length} className="px-4 py-10 text-center text-sm text-slate-500 max-sm:block">
                  {isFiltered || cursor
                    ? "No deliveries match these filters."
                    : "No deliveries yet. They appear here as soon as a sender posts to a source's receiver URL."}
                </td>
              </tr>
            ) : (
              result.items.map((item) => <DeliveryRow key={item.id} delivery={item} />)
            )}
          </tbody>
        </LiveDeliveriesTable>
      )}
      {!("problem" in result) && (
        <nav aria-label="Delivery log pages" className="flex items-center justify-between text-sm">
          {cursor ? (
            <Link href={newestHref} className="text-slate-600 underline hover:text-slate-900">
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {result.nextCursor && (
            <Link
              href={logHref({ ...values, limit, cursor: result.nextCursor })}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100"
            >
              Older →
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}

type PageResult = { items: DeliverySummary[]; nextCursor: string | null; filters: DeliveryFilters } | { problem: string };

async function loadPage(values: DeliveryFilterValues, cursor: string | undefined, limit: string | undefined): Promise<PageResult> {
  try {
    const filters = deliveryFilters.parse(values);
    return { ...(await listDeliveries(listDeliveriesQuery.parse({ ...values, cursor, limit }))), filters };
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    return { problem: error.issues.map((issue) => issue.message).join("; ") };
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

function queryOf(values: DeliveryFilterValues & { limit?: string; cursor?: string }): string {
  const text = deliveryFilterQuery(values);
  return text ? `?${text}` : "";
}

function logHref(values: DeliveryFilterValues & { limit?: string; cursor?: string }): string {
  return `/deliveries${queryOf(values)}`;
}
