import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { DeliveryStatusBadge } from "@/components/deliveries-log/status-badge.tsx";
import { DeliveryActions } from "@/components/inspector/delivery-actions.tsx";
import { DeliveryFacts } from "@/components/inspector/delivery-facts.tsx";
import { DeliveryImages } from "@/components/inspector/delivery-images.tsx";
import { ForwardingAttempts } from "@/components/inspector/forwarding-attempts.tsx";
import { LiveForwardingRefresh } from "@/components/inspector/live-forwarding-refresh.tsx";
import { ReplayForwarding } from "@/components/inspector/replay-forwarding.tsx";
import { HeadersTable } from "@/components/inspector/headers-table.tsx";
import { formatPayload, PayloadView } from "@/components/inspector/payload-view.tsx";
import { Missing, Section } from "@/components/inspector/section.tsx";
import { SignatureDiagnosis } from "@/components/inspector/signature-diagnosis.tsx";
import { DateTime } from "@/components/users/date-time.tsx";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { getDeliveryForwarding } from "@/lib/forwarding/get-delivery-forwarding.ts";
import { listDestinations } from "@/lib/forwarding/list-destinations.ts";
import { findReverification } from "@/lib/inspection/find-reverification.ts";
import { inspectDelivery, type InspectedDelivery } from "@/lib/inspection/inspect-delivery.ts";

export const metadata: Metadata = { title: "Delivery" };
export const dynamic = "force-dynamic";

// The inspector: one delivery, whatever its outcome. A verified one shows its images or
// payload and what matched; a failed or rejected one shows why, worked out from its
// quarantined body, and (for an admin) re-verify and delete.
export default async function DeliveryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const operator = await requirePageOperator(`/deliveries/${encodeURIComponent(id)}`);
  const deliveryId = z.uuid().safeParse(id);
  if (!deliveryId.success) notFound();
  const inspected = await inspectDelivery(deliveryId.data);
  if (!inspected) notFound();
  const { delivery, diagnosis } = inspected;
  const isVerified = delivery.status === "verified";
  const reverified = isVerified ? await findReverification(delivery.id) : null;
  const forwarding = isVerified ? await getDeliveryForwarding(delivery.id) : [];
  // Admins may resend a verified delivery to any destination its source has now.
  const destinations = isVerified && operator.role === "admin" ? await listDestinations({ sourceId: inspected.source.id }) : [];

  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <Link href="/deliveries" className="text-sm text-slate-500 hover:text-slate-900">
          ← Deliveries
        </Link>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <h1 className="text-lg font-semibold">Delivery from {inspected.source.name}</h1>
          <DeliveryStatusBadge status={delivery.status} />
          <span className="font-mono text-xs text-slate-500">HTTP {delivery.httpStatus}</span>
        </div>
        <p className="text-sm text-slate-500">
          Received <DateTime value={delivery.receivedAt} precision="second" /> UTC
        </p>
        {delivery.reason && (
          <p
            className={`break-words rounded-md border px-3 py-2 text-sm ${delivery.status === "failed" ? "border-red-200 bg-red-50 text-red-800" : "border-amber-200 bg-amber-50 text-amber-900"}`}
          >
            <span className="font-medium">Reason: </span>
            {delivery.reason}
          </p>
        )}
        {reverified && (
          <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            Verified on re-verification by {reverified.actorName}, <DateTime value={reverified.at} /> UTC. It had failed on arrival.
          </p>
        )}
      </div>

      {!isVerified && operator.role === "admin" && (
        <DeliveryActions deliveryId={delivery.id} hasBody={inspected.isQuarantined} purgedAt={inspected.purgedAt} sourceSlug={inspected.source.slug} />
      )}

      {/* On a phone: content, details, then the long headers list; on a wide screen details sit beside both. */}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          {isVerified ? (
            <VerifiedContent inspected={inspected} />
          ) : diagnosis ? (
            <SignatureDiagnosis diagnosis={diagnosis} />
          ) : (
            <NoBody purgedAt={inspected.purgedAt} />
          )}
          {(forwarding.length > 0 || destinations.length > 0) && (
            <Section
              id="forwarding-heading"
              title="Forwarding"
              description="Each attempt to send this delivery on, per destination. New attempts appear as they are made."
            >
              {forwarding.length > 0 ? (
                <ForwardingAttempts forwarding={forwarding} />
              ) : (
                <p className="text-sm text-slate-500">Not forwarded: its source had no destination when it arrived.</p>
              )}
              {destinations.length > 0 && <ReplayForwarding deliveryId={delivery.id} destinations={destinations} />}
              <LiveForwardingRefresh deliveryId={delivery.id} hasWaiting={forwarding.some((forward) => forward.state === "waiting")} />
            </Section>
          )}
        </div>
        <aside className="min-w-0 self-start lg:col-start-3 lg:row-span-2 lg:row-start-1">
          <Section id="facts-heading" title="Details">
            <DeliveryFacts inspected={inspected} />
          </Section>
        </aside>
        <div className="min-w-0 lg:col-span-2">
          <Section
            id="headers-heading"
            title="Request headers"
            description="As received; credentials such as Authorization and cookies were redacted before they were stored."
          >
            <HeadersTable headers={delivery.headers} />
          </Section>
        </div>
      </div>
    </div>
  );
}

function VerifiedContent({ inspected }: { inspected: InspectedDelivery }) {
  const { delivery } = inspected;
  return (
    <>
      {delivery.images.length > 0 && (
        <Section
          id="images-heading"
          title={delivery.images.length === 1 ? "Image" : `Images (${delivery.images.length})`}
          description="Select a thumbnail to open the original."
        >
          <DeliveryImages images={delivery.images} />
        </Section>
      )}
      {inspected.payloadText !== null ? (
        <Section
          id="payload-heading"
          title="Payload"
          description="As received (key order and numbers as sent), pretty-printed; long strings such as embedded images are shortened."
        >
          <PayloadView text={inspected.payloadText} label="Payload JSON" />
        </Section>
      ) : (
        delivery.payload !== null && (
          <Section
            id="payload-heading"
            title="Payload"
            description="Pretty-printed as stored (keys reordered); embedded images are replaced by a reference to the image shown above."
          >
            <PayloadView text={formatPayload(delivery.payload)} label="Payload JSON" />
          </Section>
        )
      )}
      {delivery.images.length === 0 && delivery.payload === null && (
        <Section id="content-heading" title="Content">
          {inspected.purgedAt ? (
            <p className="text-sm text-slate-600">
              Its stored image was removed by the retention setting on <DateTime value={inspected.purgedAt} /> UTC. The details and hashes stay.
            </p>
          ) : (
            <Missing>This delivery carried no image or payload.</Missing>
          )}
        </Section>
      )}
    </>
  );
}

function NoBody({ purgedAt }: { purgedAt: Date | null }) {
  return (
    <Section id="no-body-heading" title="No body kept">
      <p className="text-sm text-slate-600">
        {purgedAt ? (
          <>
            Its quarantined body was removed on <DateTime value={purgedAt} /> UTC, by the retention setting or to make room for newer ones within the
            source&apos;s quarantine quota, so there is nothing left to inspect or re-verify.
          </>
        ) : (
          "This delivery was refused before its body was read (for example: too large, or the wrong Content-Type), so there is nothing to inspect or re-verify."
        )}{" "}
        The reason and headers say what arrived.
      </p>
    </Section>
  );
}
