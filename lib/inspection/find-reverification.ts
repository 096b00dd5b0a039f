import { getPrisma } from "../db.ts";

/** When and by whom a delivery was promoted by re-verification, if it was: from the audit log. */
export async function findReverification(deliveryId: string): Promise<{ at: Date; actorName: string } | null> {
  return getPrisma().auditEvent.findFirst({
    where: { action: "delivery.reverify", targetId: deliveryId, detail: { path: ["outcome"], equals: "verified" } },
    orderBy: { at: "desc" },
    select: { at: true, actorName: true },
  });
}
