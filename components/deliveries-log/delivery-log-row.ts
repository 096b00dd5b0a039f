import type { DeliverySummary } from "@/lib/deliveries/list-deliveries.ts";

/** What one line of the delivery log shows: from the list query on the server, or the JSON API live. */
export type DeliveryLogRow = Pick<
  DeliverySummary,
  | "id"
  | "receivedAt"
  | "source"
  | "status"
  | "httpStatus"
  | "reason"
  | "metadata"
  | "bodySize"
  | "matchedCredential"
  | "jobId"
  | "provider"
  | "feature"
  | "subfeature"
  | "reverifiedAt"
  | "reverifiedBy"
>;

/** A delivery as GET /api/deliveries/<id> answers it (dates as ISO strings), as a log row. */
export function toDeliveryLogRow(
  json: Omit<DeliveryLogRow, "receivedAt" | "reverifiedAt"> & { receivedAt: string; reverifiedAt: string | null },
): DeliveryLogRow {
  return {
    id: json.id,
    receivedAt: new Date(json.receivedAt),
    source: json.source,
    status: json.status,
    httpStatus: json.httpStatus,
    reason: json.reason,
    metadata: json.metadata,
    bodySize: json.bodySize,
    matchedCredential: json.matchedCredential,
    jobId: json.jobId,
    provider: json.provider,
    feature: json.feature,
    subfeature: json.subfeature,
    reverifiedAt: json.reverifiedAt === null ? null : new Date(json.reverifiedAt),
    reverifiedBy: json.reverifiedBy,
  };
}
