import type { Metadata } from "next";
import { formatBytes } from "@/components/deliveries-log/format-bytes.ts";
import { RetentionForm } from "@/components/settings/retention-form.tsx";
import { Timestamp } from "@/components/sources/timestamp.tsx";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { getRetentionStatus } from "@/lib/retention/get-retention-status.ts";
import { getRetentionSettings } from "@/lib/settings/get-retention-settings.ts";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

// Installation-wide settings (admins only): how long stored bytes are kept.
export default async function SettingsPage() {
  await requirePageOperator("/settings", "admin");
  const now = new Date();
  const [settings, status] = await Promise.all([getRetentionSettings(), getRetentionStatus()]);
  const lastPurge = status.lastPurge?.detail as { quarantinedBodies?: number; images?: number; bytesFreed?: number } | undefined;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-lg font-semibold">Settings</h1>
        <p className="mt-1 text-sm text-slate-500">These apply to the whole installation, on every instance.</p>
      </div>
      <section
        aria-labelledby="retention-heading"
        className="grid gap-6 rounded-lg border border-slate-200 bg-white p-5 shadow-sm lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]"
      >
        <div className="min-w-0 space-y-4">
          <div>
            <h2 id="retention-heading" className="text-base font-semibold">
              Retention
            </h2>
            <p className="mt-1 text-sm text-slate-500">
              How long stored bytes are kept, counted from when the delivery arrived. Every few minutes one app instance removes what has expired and records it
              in the audit log. Delivery rows are never removed by retention: the log keeps every delivery with its status, reason, size and SHA-256.
            </p>
          </div>
          <RetentionForm settings={settings} />
        </div>
        <dl className="space-y-3 self-start rounded-md bg-slate-50 p-4 text-sm">
          <div>
            <dt className="text-xs font-medium text-slate-500">Stored now</dt>
            <dd className="mt-1 space-y-0.5">
              <span className="block">
                {status.quarantinedBodies} quarantined {status.quarantinedBodies === 1 ? "body" : "bodies"}, {formatBytes(status.quarantinedBytes)}
              </span>
              <span className="block">
                {status.images} {status.images === 1 ? "image" : "images"}, {formatBytes(status.imageBytes)}
              </span>
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-slate-500">Last purge</dt>
            <dd className="mt-1">
              {status.lastPurge ? (
                <>
                  <Timestamp date={status.lastPurge.at} now={now} />: removed {count(lastPurge?.quarantinedBodies, "quarantined body", "quarantined bodies")}{" "}
                  and {count(lastPurge?.images, "image", "images")} ({formatBytes(lastPurge?.bytesFreed ?? 0)})
                </>
              ) : (
                <span className="text-slate-500">nothing removed yet</span>
              )}
            </dd>
          </div>
        </dl>
      </section>
    </div>
  );
}

function count(value: number | undefined, one: string, many: string): string {
  const n = value ?? 0;
  return `${n} ${n === 1 ? one : many}`;
}
