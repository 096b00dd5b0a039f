import { getPool } from "../db.ts";
import { notifyForwardingChange } from "../events/delivery-events.ts";
import { recordAuditOn } from "../inspection/audit-in-transaction.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { withTransaction } from "../storage/transaction.ts";
import { enqueueExistingForwards } from "./enqueue-forwards.ts";

// Replay: a verified delivery sent again, to one destination of its source or to all of them,
// as a new job with the same `webhook-id` (the delivery id), so an idempotent receiver ignores
// what it already has. A paused destination gets its forward back to waiting and is sent on
// resume. Audited.

export class ReplayRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplayRefusedError";
  }
}

export interface ReplayOptions extends ChangedBy {
  deliveryId: string;
  destinationId?: string;
}

export async function replayDelivery(options: ReplayOptions): Promise<{ destinations: number; queued: number } | null> {
  return withTransaction(getPool(), async (client) => {
    const { rows } = await client.query<{ status: string; source_id: string }>("SELECT status, source_id FROM deliveries WHERE id = $1", [options.deliveryId]);
    if (rows.length === 0) return null;
    if (rows[0].status !== "verified") throw new ReplayRefusedError(`only verified deliveries are forwarded; this one is ${rows[0].status}`);
    const targets = await client.query<{ destination_id: string }>(
      `INSERT INTO forwards (delivery_id, destination_id)
       SELECT $1, d.id FROM destinations d WHERE d.source_id = $2 AND ($3::uuid IS NULL OR d.id = $3)
       ON CONFLICT (delivery_id, destination_id) DO UPDATE SET state = 'waiting', next_attempt_at = NULL, updated_at = now()
       RETURNING destination_id`,
      [options.deliveryId, rows[0].source_id, options.destinationId ?? null],
    );
    if (options.destinationId && targets.rows.length === 0) throw new ReplayRefusedError("that destination does not belong to this delivery's source");
    const queued = await enqueueExistingForwards(client, "f.delivery_id = $1 AND f.destination_id = ANY($2::uuid[])", [
      options.deliveryId,
      targets.rows.map((row) => row.destination_id),
    ]);
    await notifyForwardingChange(client, options.deliveryId);
    await recordAuditOn(client, {
      actor: options.actor,
      ip: options.ip,
      action: "delivery.replay",
      target: { type: "delivery", id: options.deliveryId },
      detail: { destinations: targets.rows.map((row) => row.destination_id), queued },
    });
    return { destinations: targets.rows.length, queued };
  });
}
