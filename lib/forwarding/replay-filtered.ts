import { getPool, getPrisma } from "../db.ts";
import { deliveryFilterConditions, type DeliveryFilters } from "../deliveries/delivery-filters.ts";
import { recordAuditOn } from "../inspection/audit-in-transaction.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { withTransaction } from "../storage/transaction.ts";
import { enqueueExistingForwards } from "./enqueue-forwards.ts";
import { ReplayRefusedError } from "./replay-delivery.ts";

// Replay of the log's filtered view, e.g. "everything from source X since 09:00 that failed to
// forward": the verified deliveries the filters match (of sources with a destination), counted first; the caller confirms the
// count it was shown (a view that changed meanwhile is refused with the new count), then they
// are re-enqueued in batches, each batch one transaction, with one audit entry for the whole.

const BATCH = 500;

export class ReplayCountChangedError extends ReplayRefusedError {
  constructor(readonly count: number) {
    super(`the filtered view now holds ${count} verified deliveries; confirm that count`);
  }
}

/** Verified deliveries of sources that have a destination: only those have anywhere to go. */
const replayable = (filters: DeliveryFilters) => [
  ...deliveryFilterConditions(filters),
  { status: "verified" as const },
  { source: { destinations: { some: {} } } },
];

export async function countReplayable(filters: DeliveryFilters): Promise<number> {
  return getPrisma().delivery.count({ where: { AND: replayable(filters) } });
}

export async function replayFiltered(
  options: ChangedBy & { filters: DeliveryFilters; expectedCount: number },
): Promise<{ deliveries: number; queued: number }> {
  const count = await countReplayable(options.filters);
  if (count !== options.expectedCount) throw new ReplayCountChangedError(count);
  let cursor: string | undefined;
  let deliveries = 0;
  let queued = 0;
  for (;;) {
    const page = await getPrisma().delivery.findMany({
      where: { AND: [...replayable(options.filters), ...(cursor ? [{ id: { gt: cursor } }] : [])] },
      select: { id: true },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    if (page.length === 0) break;
    const ids = page.map((row) => row.id);
    queued += await withTransaction(getPool(), async (client) => {
      await client.query(
        `INSERT INTO forwards (delivery_id, destination_id)
         SELECT del.id, d.id FROM deliveries del JOIN destinations d ON d.source_id = del.source_id WHERE del.id = ANY($1::uuid[])
         ORDER BY 1, 2
         ON CONFLICT (delivery_id, destination_id) DO UPDATE SET state = 'waiting', next_attempt_at = NULL, updated_at = now()`,
        [ids],
      );
      return enqueueExistingForwards(client, "f.delivery_id = ANY($1::uuid[])", [ids]);
    });
    deliveries += ids.length;
    cursor = ids.at(-1);
  }
  await withTransaction(getPool(), (client) =>
    recordAuditOn(client, {
      actor: options.actor,
      ip: options.ip,
      action: "delivery.replay_filtered",
      target: { type: "deliveries" },
      detail: { filters: { ...options.filters }, deliveries, queued },
    }),
  );
  return { deliveries, queued };
}
