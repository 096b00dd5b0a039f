import Form from "next/form";
import { DateRangeFields, FILTER_FIELD, FilterActions } from "@/components/ui/filter-fields.tsx";

export interface AuditFilterValues {
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
}

const ACTION_GROUPS = [
  { value: "", label: "All actions" },
  { value: "source.", label: "Sources (source.)" },
  { value: "credential.", label: "Credentials (credential.)" },
  { value: "user.", label: "Users (user.)" },
  { value: "token.", label: "API tokens (token.)" },
  { value: "auth.", label: "Sign-in and sign-out (auth.)" },
  { value: "delivery.", label: "Re-verified and deleted deliveries (delivery.)" },
  { value: "settings.", label: "Settings (settings.)" },
  { value: "retention.", label: "Retention purges (retention.)" },
];

/** A plain GET form: the filters live in the URL, so a filtered view can be bookmarked or shared. */
export function AuditFilters({ values }: { values: AuditFilterValues }) {
  const groups =
    values.action && !ACTION_GROUPS.some((group) => group.value === values.action)
      ? [...ACTION_GROUPS, { value: values.action, label: values.action }]
      : ACTION_GROUPS;
  const isFiltered = Object.values(values).some(Boolean);
  return (
    <Form action="/audit" className="rounded-lg border border-slate-200 bg-white p-4" aria-label="Filter the audit log">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1.5fr_1.5fr_1fr_1fr_auto] lg:items-end">
        <label className="block text-sm font-medium">
          Action
          <select name="action" defaultValue={values.action ?? ""} className={FILTER_FIELD}>
            {groups.map((group) => (
              <option key={group.value} value={group.value}>
                {group.label}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm font-medium">
          Actor
          <input name="actor" type="search" defaultValue={values.actor ?? ""} placeholder="email or token name" maxLength={200} className={FILTER_FIELD} />
        </label>
        <DateRangeFields from={values.from} to={values.to} />
        <FilterActions clearHref={"/audit"} isFiltered={isFiltered} />
      </div>
    </Form>
  );
}
