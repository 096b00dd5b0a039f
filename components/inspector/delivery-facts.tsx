import { formatBytes } from "@/components/deliveries-log/format-bytes.ts";
import { DateTime } from "@/components/users/date-time.tsx";
import type { InspectedDelivery } from "@/lib/inspection/inspect-delivery.ts";
import { Facts, Missing, type Fact } from "./section.tsx";

// The delivery at a glance: when, from where, how long it took, what it said about itself, and
// for a verified one which credential (and Eden AI form) matched.

export function DeliveryFacts({ inspected }: { inspected: InspectedDelivery }) {
  const { delivery, source } = inspected;
  const isVerified = delivery.status === "verified";
  const feature = [delivery.feature, delivery.subfeature].filter(Boolean).join(" / ");
  const facts: Array<Fact | null | false> = [
    { label: "Received (UTC)", value: <DateTime value={delivery.receivedAt} precision="second" /> },
    {
      label: "Source",
      value: (
        <>
          <a href={`/sources/${source.slug}`} className="font-medium underline underline-offset-2">
            {source.name}
          </a>{" "}
          <span className="font-mono text-xs text-slate-500">{source.slug}</span> · {source.kind === "maskit" ? "MaskIt" : "Eden AI"}
        </>
      ),
    },
    { label: "Answered", value: delivery.reverifiedAt ? `HTTP ${delivery.httpStatus}, on arrival` : `HTTP ${delivery.httpStatus}` },
    delivery.reverifiedAt !== null && {
      label: "Re-verified",
      value: (
        <>
          <DateTime value={delivery.reverifiedAt} precision="second" /> by {delivery.reverifiedBy ?? <Missing>unknown</Missing>}
          {delivery.reason && <span className="block text-xs text-slate-500">on arrival: {delivery.reason}</span>}
        </>
      ),
    },
    { label: "Processing time", value: delivery.durationMs === null ? <Missing /> : `${delivery.durationMs.toFixed(1)} ms` },
    {
      label: "Body",
      value:
        delivery.bodySize === null ? <Missing>not read</Missing> : `${delivery.bodySize.toLocaleString("en-US")} bytes (${formatBytes(delivery.bodySize)})`,
    },
    { label: "Content-Type", value: delivery.contentType ?? <Missing />, isCode: Boolean(delivery.contentType) },
    delivery.bodySha256 !== null && { label: "Body SHA-256", value: delivery.bodySha256, isCode: true },
    source.kind === "maskit" && {
      label: "Metadata",
      value:
        delivery.metadata === null ? (
          <Missing />
        ) : delivery.metadata === "" ? (
          <Missing>empty</Missing>
        ) : (
          <span className="whitespace-pre-wrap">{delivery.metadata}</span>
        ),
    },
    // The sender's file name, as text only: it is never used as a path or a link.
    source.kind === "maskit" && { label: "File name (as sent)", value: delivery.fileName ?? <Missing />, isCode: Boolean(delivery.fileName) },
    delivery.jobId !== null && { label: "Eden AI job", value: delivery.jobId, isCode: true },
    delivery.jobStatus !== null && { label: "Job status", value: delivery.jobStatus },
    Boolean(feature || delivery.provider) && { label: "Feature · provider", value: [feature, delivery.provider].filter(Boolean).join(" · ") },
    isVerified && {
      label: "Matched credential",
      value: delivery.matchedCredential ?? <Missing>not recorded</Missing>,
      isCode: Boolean(delivery.matchedCredential),
    },
    isVerified && source.kind === "edenai" && { label: "Eden AI form", value: delivery.signatureForm ?? <Missing />, isCode: Boolean(delivery.signatureForm) },
    !isVerified && !inspected.diagnosis && delivery.signature !== null && { label: "Signature received", value: delivery.signature, isCode: true },
    { label: "Delivery id", value: delivery.id, isCode: true },
  ];
  return <Facts facts={facts} />;
}
