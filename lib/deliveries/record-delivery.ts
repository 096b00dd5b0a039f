import type { Spool } from "../ingest/spool.ts";
import type { DeliveryFacts } from "./delivery-types.ts";
import { notifyDelivery } from "./notify-deliveries.ts";
import { randomUUID } from "node:crypto";
import { insertBlobRows, type StorageContext } from "../storage/blob-rows.ts";
import { withTransaction } from "../storage/transaction.ts";
import { insertDeliveries } from "./delivery-rows.ts";

// Writes a delivery and everything it carries in one transaction (verified ones group-committed
// with others arriving at the same time, lib/deliveries/group-commit.ts): the receiver answers
// 2xx only after this commits. SQL rather than Prisma here because this is the hot path: the
// statements are named, so each pooled connection parses and plans them once. Bytes go to the
// blob store before the transaction that references them (lib/storage/blob-rows.ts).

export type { CommitResult, DeliveryFacts, DeliveryStatus, IncomingImage, JobFacts, VerifiedContent } from "./delivery-types.ts";

export { commitVerifiedDelivery } from "./group-commit.ts";
export { notifyDeliveries, notifyDelivery } from "./notify-deliveries.ts";

/** Stores a failed or rejected delivery, with its raw body in quarantine when there is one. */
export async function recordUnverifiedDelivery({ pool, blobs }: StorageContext, delivery: DeliveryFacts, rawBody: Spool | null): Promise<void> {
  const quarantined = rawBody && delivery.bodySha256 ? { id: randomUUID(), sha256: delivery.bodySha256, body: rawBody } : null;
  if (quarantined) await blobs.store.put([quarantined]);
  await withTransaction(pool, async (client) => {
    await insertDeliveries(client, [{ delivery, imageId: null, rawBodyBlobId: null }]);
    if (quarantined) {
      await insertBlobRows(client, blobs, [quarantined]);
      await client.query("INSERT INTO quarantined_bodies (delivery_id, blob_id) VALUES ($1, $2)", [delivery.id, quarantined.id]);
    }
    await notifyDelivery(client, delivery.id);
  });
}
