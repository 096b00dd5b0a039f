import type { Metadata } from "next";
import Link from "next/link";
import { ZodError } from "zod";
import { AuditFilters, type AuditFilterValues } from "@/components/audit/audit-filters.tsx";
import { AuditTable } from "@/components/audit/audit-table.tsx";
import { listAuditEvents, type AuditEventSummary } from "@/lib/audit/list-audit-events.ts";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePageOperator("/audit", "admin");
  const params = await searchParams;
  const filters: AuditFilterValues = { action: first(params.action), actor: first(params.actor), from: first(params.from), to: first(params.to) };
  const cursor = first(params.cursor);
  // Not in the form; kept in the page links so that a shorter page (?limit=20) stays short.
  const limit = first(params.limit);
  let page: { items: AuditEventSummary[]; nextCursor: string | null } = { items: [], nextCursor: null };
  let problem: string | null = null;
  try {
    page = await listAuditEvents({ ...filters, cursor, limit });
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    problem = error.issues.map((issue) => issue.message).join("; ");
  }
  const isFiltered = Object.values(filters).some(Boolean);
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-lg font-semibold">Audit log</h1>
        <p className="mt-1 text-sm text-slate-500">
          Who changed sources, credentials, users, tokens and settings, who re-verified or deleted deliveries, what retention removed, and who signed in, newest
          first. Entries cannot be edited or deleted here.
        </p>
      </div>
      <AuditFilters values={filters} />
      {problem ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          These filters cannot be used: {problem}.{" "}
          <Link href="/audit" className="font-medium underline">
            Show the newest entries
          </Link>
        </p>
      ) : page.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-sm text-slate-500">
          {isFiltered || cursor ? "No entries match these filters." : "Nothing has been recorded yet."}
        </p>
      ) : (
        <AuditTable events={page.items} />
      )}
      <nav aria-label="Audit log pages" className="flex items-center justify-between text-sm">
        {cursor ? (
          <Link href={auditHref({ ...filters, limit })} className="text-slate-600 underline hover:text-slate-900">
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {page.nextCursor && (
          <Link
            href={auditHref({ ...filters, limit }, page.nextCursor)}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100"
          >
            Older →
          </Link>
        )}
      </nav>
    </div>
  );
}

function first(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

function auditHref(filters: AuditFilterValues & { limit?: string }, cursor?: string): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filters, cursor })) if (value) query.set(name, value);
  const text = query.toString();
  return text ? `/audit?${text}` : "/audit";
}
