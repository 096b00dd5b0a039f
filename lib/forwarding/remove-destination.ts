import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { DestinationNotFoundError } from "./destination-errors.ts";

// Removing a destination removes its forwards and attempt log with it; a job still queued for
// it finds nothing to send and ends.

export async function removeDestination(options: ChangedBy & { destinationId: string }) {
  return getPrisma().$transaction(async (tx) => {
    const destination = await tx.destination.findUnique({
      where: { id: options.destinationId },
      select: { id: true, name: true, url: true, source: { select: { slug: true } } },
    });
    if (!destination) throw new DestinationNotFoundError(options.destinationId);
    await tx.destination.delete({ where: { id: destination.id } });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "destination.remove",
      target: { type: "destination", id: destination.id, name: destination.name },
      detail: { source: destination.source.slug, url: destination.url },
    });
    return { name: destination.name };
  });
}
