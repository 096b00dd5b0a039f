import Form from "next/form";
import { DateRangeFields, FILTER_FIELD, FilterActions } from "@/components/ui/filter-fields.tsx";
import { deliveryStatuses } from "@/lib/deliveries/delivery-filters.ts";

export interface DeliveryFilterValues {
  source?: string;
  status?: string;
  q?: string;
  from?: string;
  to?: string;
  /** The log only: deliveries with a forward in this state (lib/forwarding). */
  forwarding?: string;
}

const FORWARDING_STATES = [
  { value: "waiting", label: "waiting to be forwarded" },
  { value: "delivered", label: "forwarded" },
  { value: "failed", label: "failed to forward" },
] as const;

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
  const options =
    values.source && !sources.some((source) => source.slug === values.source) ? [...sources, { slug: values.source, name: values.source }] : sources;
  const isFiltered = Object.values(values).some(Boolean);
  return (
    <Form action={action} className="rounded-lg border border-slate-200 bg-white p-4" aria-label={hasStatus ? "Filter deliveries" : "Filter images"}>
      <div
        className={`grid gap-3 sm:grid-cols-2 lg:items-end ${hasStatus ? "lg:grid-cols-[1.2fr_1fr_1fr_1.4fr_1fr_1fr_auto]" : "lg:grid-cols-[1.2fr_1.8fr_1fr_1fr_auto]"}`}
      >
        <label className="block text-sm font-medium">
          Source
          <select name="source" defaultValue={values.source ?? ""} className={FILTER_FIELD}>
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
            <select name="status" defaultValue={values.status ?? ""} className={FILTER_FIELD}>
              <option value="">Any status</option>
              {deliveryStatuses.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          </label>
        )}
        {hasStatus && (
          <label className="block text-sm font-medium">
            Forwarding
            <select name="forwarding" defaultValue={values.forwarding ?? ""} className={FILTER_FIELD}>
              <option value="">Any</option>
              {FORWARDING_STATES.map((state) => (
                <option key={state.value} value={state.value}>
                  {state.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="block text-sm font-medium">
          Search
          <input name="q" type="search" defaultValue={values.q ?? ""} placeholder="metadata or Eden AI job id" maxLength={200} className={FILTER_FIELD} />
        </label>
        <DateRangeFields from={values.from} to={values.to} />
        <FilterActions clearHref={action} isFiltered={isFiltered} />
      </div>
    </Form>
  );
}
