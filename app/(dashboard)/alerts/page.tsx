import type { Metadata } from "next";
import Link from "next/link";
import { AddChannelForm } from "@/components/alerts/add-channel-form.tsx";
import { AddRuleForm } from "@/components/alerts/add-rule-form.tsx";
import { AlertHistory } from "@/components/alerts/alert-history.tsx";
import { RowActionButton } from "@/components/alerts/row-action-button.tsx";
import { cardClass, smallButtonClass, smallDangerButtonClass } from "@/components/sources/styles.ts";
import { DataTable } from "@/components/ui/data-table.tsx";
import { PageHeader } from "@/components/ui/page-header.tsx";
import { DateTime } from "@/components/users/date-time.tsx";
import { listChannels } from "@/lib/alerts/channels/list-channels.ts";
import { listAlertHistory, listOpenAlerts } from "@/lib/alerts/list-alerts.ts";
import { listRules } from "@/lib/alerts/rules/list-rules.ts";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { getPrisma } from "@/lib/db.ts";
import { removeChannelAction, removeRuleAction, sendTestAlertAction } from "./actions.ts";

export const metadata: Metadata = { title: "Alerts" };
export const dynamic = "force-dynamic";

// Open alerts, where they are sent, the rules that raise them, and what was sent: everyone
// reads; admins add and remove channels and rules and send test alerts.
export default async function AlertsPage() {
  const operator = await requirePageOperator("/alerts");
  const isAdmin = operator.role === "admin";
  const [open, channels, rules, history, sources] = await Promise.all([
    listOpenAlerts(),
    listChannels(),
    listRules(),
    listAlertHistory({ limit: 50 }),
    getPrisma().source.findMany({ orderBy: { slug: "asc" }, select: { slug: true, name: true } }),
  ]);
  return (
    <div className="space-y-8">
      <PageHeader title="Alerts">An alert is sent once when its condition starts, again every so often while it lasts, and once when it ends.</PageHeader>

      <section aria-labelledby="open-heading" className="space-y-3">
        <h2 id="open-heading" className="text-base font-semibold">
          Open now
        </h2>
        {open.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing is wrong.</p>
        ) : (
          <ul className="space-y-2">
            {open.map((alert) => (
              <li key={alert.id} className={`${cardClass} border-l-4 border-l-red-500 p-4 text-sm`}>
                <p className="font-medium">{alert.title}</p>
                <p className="mt-1 text-slate-600">{alert.detail}</p>
                <p className="mt-1 text-xs text-slate-500">
                  Since <DateTime value={alert.openedAt} /> UTC ·{" "}
                  <Link className="underline" href={alert.path}>
                    open
                  </Link>
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="channels-heading" className="space-y-3">
        <h2 id="channels-heading" className="text-base font-semibold">
          Channels
        </h2>
        {channels.length === 0 ? (
          <p className="text-sm text-slate-500">No channels yet: alerts are only listed here and in GET /api/alerts.</p>
        ) : (
          <DataTable
            rows={channels}
            rowKey={(channel) => channel.id}
            columns={[
              { label: "Name", className: "font-medium", cell: (channel) => channel.name },
              { label: "Kind", cell: (channel) => channel.kind },
              { label: "Sends to", className: "break-all", cell: (channel) => channel.summary },
              isAdmin && {
                label: "Actions",
                className: "flex flex-wrap gap-2 max-sm:col-span-2",
                isUnlabelledOnPhone: true,
                cell: (channel) => (
                  <>
                    <RowActionButton
                      action={sendTestAlertAction}
                      field="channelId"
                      value={channel.id}
                      label="Send test alert"
                      pendingLabel="Sending…"
                      className={smallButtonClass}
                    />
                    <RowActionButton
                      action={removeChannelAction}
                      field="channelId"
                      value={channel.id}
                      label="Remove"
                      pendingLabel="Removing…"
                      className={smallDangerButtonClass}
                      confirm={`Remove the channel "${channel.name}"?`}
                    />
                  </>
                ),
              },
            ]}
          />
        )}
        {isAdmin && (
          <div className={`${cardClass} p-4`}>
            <AddChannelForm />
          </div>
        )}
      </section>

      <section aria-labelledby="rules-heading" className="space-y-3">
        <h2 id="rules-heading" className="text-base font-semibold">
          Rules
        </h2>
        {rules.length === 0 ? (
          <p className="text-sm text-slate-500">No rules yet. Silence thresholds set on the overview alert too.</p>
        ) : (
          <ul className="space-y-2">
            {rules.map((rule) => (
              <li key={rule.id} className={`${cardClass} flex flex-wrap items-start justify-between gap-3 p-4 text-sm`}>
                <div>
                  <p className="font-medium">
                    {rule.label} · {rule.source ?? "all sources"}
                  </p>
                  <p className="mt-1 text-slate-600">Alerts when {rule.description}.</p>
                </div>
                {isAdmin && (
                  <RowActionButton
                    action={removeRuleAction}
                    field="ruleId"
                    value={rule.id}
                    label="Remove"
                    pendingLabel="Removing…"
                    className={smallDangerButtonClass}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
        {isAdmin && (
          <div className={`${cardClass} p-4`}>
            <AddRuleForm sources={sources} />
          </div>
        )}
      </section>

      <AlertHistory history={history} />
    </div>
  );
}
