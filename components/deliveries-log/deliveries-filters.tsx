import Form from "next/form";
import Link from "next/link";
import { deliveryStatuses } from "@/lib/deliveries/delivery-filters.ts";

export interface DeliveryFilterValues {
  source?: string;
  status?: string;
  q?: string;
  from?: string;
  to?: string;
}

const FIELD = "mt-1 block h-10 w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 text-sm font-normal";

/**
 * A plain GET form: the filters live in the URL, so a filtered view can be bookmarked, shared or exported.
 * The gallery uses it too, at its own `action` and without the status (it shows verified deliveries only).
 */
export function DeliveriesFilters({
  values,
  sources,
  action = "/deliveries",
  hasStatus = true,
}: {
  values: DeliveryFilterValues;
  sources: Array<{ slug: string; name: string }>;
  action?: string;
  hasStatus?: boolean;
}) {
  // A deleted source's slug can still be in a bookmarked URL: keep it selectable.
  const options = values.source && !sources.some((source) => source.slug === values.source) ? [...sources, { slug: values.source, name: values.source }] : sources;
  const isFiltered = Object.values(values).some(Boolean);
  return (
    <Form action={action} className="rounded-lg border border-slate-200 bg-white p-4" aria-label={hasStatus ? "Filter deliveries" : "Filter images"}>
      <div className={`grid gap-3 sm:grid-cols-2 lg:items-end ${hasStatus ? "lg:grid-cols-[1.2fr_1fr_1.6fr_1fr_1fr_auto]" : "lg:grid-cols-[1.2fr_1.8fr_1fr_1fr_auto]"}`}>
        <label className="block text-sm font-medium">
          Source
          <select name="source" defaultValue={values.source ?? ""} className={FIELD}>
            <option value="">All sources</option>
            {options.map((source) => (
              <option key={source.slug} value={source.slug}>
                {source.name === source.slug ? source.slug : `${source.name} (${source.slug})`}
              </option>
            ))}
          </select>
        </label>
        {hasStatus && (
          <label className="block text-sm font-medium">
            Status
            <select name="status" defaultValue={values.status ?? ""} className={FIELD}>
              <option value="">Any status</option>
              {deliveryStatuses.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="block text-sm font-medium">
          Search
          <input name="q" type="search" defaultValue={values.q ?? ""} placeholder="metadata or Eden AI job id" maxLength={200} className={FIELD} />
        </label>
        <label className="block text-sm font-medium">
          From (UTC)
          <input name="from" type="date" defaultValue={values.from ?? ""} className={FIELD} />
        </label>
        <label className="block text-sm font-medium">
          To (UTC)
          <input name="to" type="date" defaultValue={values.to ?? ""} className={FIELD} />
        </label>
        <div className="flex items-center gap-3 sm:col-span-2 lg:col-span-1">
          <button type="submit" className="h-10 rounded-md bg-slate-900 px-4 text-sm font-medium text-white hover:bg-slate-700">
            Filter
          </button>
          {isFiltered && (
            <Link href={action} className="text-sm text-slate-600 underline hover:text-slate-900">
              Clear
            </Link>
          )}
        </div>
      </div>
    </Form>
  );
}
