import type pg from "pg";
import { SYSTEM_ACTOR } from "../audit/record-audit.ts";
import { getPool } from "../db.ts";
import { recordAuditOn } from "../inspection/audit-in-transaction.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { withTransaction } from "../storage/transaction.ts";
import { DestinationNotFoundError } from "./destination-errors.ts";
import { enqueueExistingForwards } from "./enqueue-forwards.ts";

// Pausing stops new attempts (a job that comes due finds the destination paused and leaves its
// forward waiting); resuming enqueues every forward that waited, including deliveries that
// arrived while it was paused. On a pg connection, because the queue's SQL function is called
// in the same transaction as the change and its audit entry.

export interface SetDestinationEnabledOptions extends ChangedBy {
  destinationId: string;
  isEnabled: boolean;
}

export async function setDestinationEnabled(options: SetDestinationEnabledOptions) {
  return withTransaction(getPool(), async (client) => {
    const { rows } = await client.query<{ name: string; enabled: boolean }>("SELECT name, enabled FROM destinations WHERE id = $1 FOR UPDATE", [
      options.destinationId,
    ]);
    if (rows.length === 0) throw new DestinationNotFoundError(options.destinationId);
    const { name, enabled } = rows[0];
    if (enabled === options.isEnabled) return { name, isChanged: false, resent: 0 };
    let resent = 0;
    if (options.isEnabled) {
      await client.query("UPDATE destinations SET enabled = true, paused_reason = NULL, consecutive_failures = 0 WHERE id = $1", [options.destinationId]);
      resent = await enqueueExistingForwards(client, "f.destination_id = $1 AND f.state = 'waiting'", [options.destinationId]);
    } else {
      await client.query("UPDATE destinations SET enabled = false, paused_reason = 'paused by an operator' WHERE id = $1", [options.destinationId]);
    }
    await recordAuditOn(client, {
      actor: options.actor,
      ip: options.ip,
      action: options.isEnabled ? "destination.resume" : "destination.pause",
      target: { type: "destination", id: options.destinationId, name },
      detail: options.isEnabled ? { resent } : undefined,
    });
    return { name, isChanged: true, resent };
  });
}

/** A pause the destination caused itself (410 Gone, too many failures in a row), in the attempt's transaction. */
export async function pauseDestinationOn(client: pg.ClientBase, destinationId: string, reason: string): Promise<boolean> {
  const { rows } = await client.query<{ name: string }>(
    "UPDATE destinations SET enabled = false, paused_reason = $2 WHERE id = $1 AND enabled RETURNING name",
    [destinationId, reason],
  );
  if (rows.length === 0) return false;
  await recordAuditOn(client, {
    actor: SYSTEM_ACTOR,
    action: "destination.auto_pause",
    target: { type: "destination", id: destinationId, name: rows[0].name },
    detail: { reason },
  });
  return true;
}
