import Link from "next/link";

// The parts every filter form of the dashboard shares (deliveries, gallery, audit log): the
// field style, a UTC date range, and the Filter / Clear actions. The forms are plain GET forms,
// so a filtered view lives in its URL.

export const FILTER_FIELD = "mt-1 block h-10 w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 text-sm font-normal";

/** `from` and `to` as whole UTC days, both included (lib/deliveries/delivery-filters.ts). */
export function DateRangeFields({ from, to }: { from?: string; to?: string }) {
  return (
    <>
      <label className="block text-sm font-medium">
        From (UTC)
        <input name="from" type="date" defaultValue={from ?? ""} className={FILTER_FIELD} />
      </label>
      <label className="block text-sm font-medium">
        To (UTC)
        <input name="to" type="date" defaultValue={to ?? ""} className={FILTER_FIELD} />
      </label>
    </>
  );
}

/** Submit, and a link back to the unfiltered view while any filter is set. */
export function FilterActions({ clearHref, isFiltered }: { clearHref: string; isFiltered: boolean }) {
  return (
    <div className="flex items-center gap-3 sm:col-span-2 lg:col-span-1">
      <button type="submit" className="h-10 rounded-md bg-slate-900 px-4 text-sm font-medium text-white hover:bg-slate-700">
        Filter
      </button>
      {isFiltered && (
        <Link href={clearHref} className="text-sm text-slate-600 underline hover:text-slate-900">
          Clear
        </Link>
      )}
    </div>
  );
}
