import type { Metadata } from "next";
import { NewSourceForm } from "@/components/sources/new-source-form.tsx";
import { SourcesTable } from "@/components/sources/sources-table.tsx";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { listSources } from "@/lib/sources/list-sources.ts";
import { slugSchema } from "@/lib/sources/source-input.ts";
import { requestOrigin } from "./request-origin.ts";

export const metadata: Metadata = { title: "Sources" };
export const dynamic = "force-dynamic";

export default async function SourcesPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  const operator = await requirePageOperator("/sources");
  const isAdmin = operator.role === "admin";
  const now = new Date();
  const [sources, origin, { deleted }] = await Promise.all([listSources({ now }), requestOrigin(), searchParams]);
  const deletedSlug = slugSchema.safeParse(deleted).data;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-lg font-semibold">Sources</h1>
        <p className="mt-1 text-sm text-slate-500">
          One per sending integration. Point the sender at its receiver URL{isAdmin ? "; open a source to manage its secrets and keys" : ""}.
        </p>
      </div>
      {deletedSlug && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Source <span className="font-mono">{deletedSlug}</span> deleted.
        </p>
      )}
      <SourcesTable sources={sources} origin={origin} now={now} />
      {isAdmin && (
        <section aria-labelledby="new-source-heading" className="max-w-3xl rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <h2 id="new-source-heading" className="mb-4 text-base font-semibold">
            New source
          </h2>
          <NewSourceForm />
        </section>
      )}
    </div>
  );
}
