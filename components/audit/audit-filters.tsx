import Form from "next/form";
import Link from "next/link";

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

const FIELD = "mt-1 block h-10 w-full rounded-md border border-slate-300 bg-white px-3 text-sm font-normal";

/** A plain GET form: the filters live in the URL, so a filtered view can be bookmarked or shared. */
export function AuditFilters({ values }: { values: AuditFilterValues }) {
  const groups = values.action && !ACTION_GROUPS.some((group) => group.value === values.action) ? [...ACTION_GROUPS, { value: values.action, label: values.action }] : ACTION_GROUPS;
  const isFiltered = Object.values(values).some(Boolean);
  return (
    <Form action="/audit" className="rounded-lg border border-slate-200 bg-white p-4" aria-label="Filter the audit log">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1.5fr_1.5fr_1fr_1fr_auto] lg:items-end">
        <label className="block text-sm font-medium">
          Action
          <select name="action" defaultValue={values.action ?? ""} className={FIELD}>
            {groups.map((group) => (
              <option key={group.value} value={group.value}>
                {group.label}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm font-medium">
          Actor
          <input name="actor" type="search" defaultValue={values.actor ?? ""} placeholder="email or token name" maxLength={200} className={FIELD} />
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
            <Link href="/audit" className="text-sm text-slate-600 underline hover:text-slate-900">
              Clear
            </Link>
          )}
        </div>
      </div>
    </Form>
  );
}
