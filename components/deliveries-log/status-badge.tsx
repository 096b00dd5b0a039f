import type { DeliveryStatus } from "@/lib/generated/prisma/enums.ts";

const BADGE = "inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

const LOOK: Record<DeliveryStatus, { className: string; dot: string }> = {
  verified: { className: "bg-emerald-50 text-emerald-700 ring-emerald-200", dot: "bg-emerald-500" },
  failed: { className: "bg-red-50 text-red-700 ring-red-200", dot: "bg-red-500" },
  rejected: { className: "bg-amber-50 text-amber-800 ring-amber-200", dot: "bg-amber-500" },
};

/** verified: the signature matched; failed: it did not; rejected: refused for anything else (type, size, body). */
export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const look = LOOK[status];
  return (
    <span className={`${BADGE} ${look.className}`}>
      <span aria-hidden className={`size-1.5 rounded-full ${look.dot}`} />
      {status}
    </span>
  );
}
