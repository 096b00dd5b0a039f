import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { BlobWriter, NewBlobRow } from "../storage/blob-rows.ts";
import type { CommitResult, DeliveryFacts, VerifiedContent } from "./delivery-types.ts";
import { insertDeliveries, noteCredentialMatch } from "./delivery-rows.ts";
import { storeVerified } from "./store-verified.ts";
import { staleSourceIds, type StampedSource } from "../sources/source-stamp.ts";

// Stores a batch of verified deliveries in the caller's transaction (lib/deliveries/group-commit.ts
// forms the batches) through the one storing step (store-verified.ts), inserting their rows,
// with their raw bodies' blob rows when they keep one, and noting the credentials' last match.

export interface PendingDelivery {
  delivery: DeliveryFacts;
  content: VerifiedContent;
  /** Seen before for the source: the delivery is a retry and is not stored again. */
  dedupeKey: string;
  /** Verified with a remembered source: stored only if the source is still this (lib/sources/source-stamp.ts). */
  source?: StampedSource;
}

/** Each delivery's result, in batch order; null for one whose remembered source has changed (not stored). */
export async function commitBatch(
  client: pg.ClientBase,
  blobs: BlobWriter,
  batch: PendingDelivery[],
  handOffSeconds: number | null = null,
): Promise<Array<CommitResult | null>> {
  const stale = await staleSourceIds(
    client,
    batch.flatMap((pending) => (pending.source ? [pending.source] : [])),
  );
  const current = stale.size === 0 ? batch : batch.filter((pending) => !pending.source || !stale.has(pending.source.sourceId));
  const results = await commitCurrent(client, blobs, current, handOffSeconds);
  return batch.map((pending) => results.get(pending) ?? null);
}

async function commitCurrent(
  client: pg.ClientBase,
  blobs: BlobWriter,
  batch: PendingDelivery[],
  handOffSeconds: number | null,
): Promise<Map<PendingDelivery, CommitResult>> {
  if (batch.length === 0) return new Map();
  const items = batch.map((pending) => ({
    ...pending,
    deliveryId: pending.delivery.id,
    sourceId: pending.delivery.sourceId,
    images: pending.content.images,
    rawBodyBlobId: pending.content.rawBody ? randomUUID() : null,
  }));
  const rawBodies = (accepted: typeof items): NewBlobRow[] =>
    accepted.flatMap(({ delivery, content, rawBodyBlobId }) =>
      content.rawBody ? [{ id: rawBodyBlobId!, sha256: delivery.bodySha256!, body: content.rawBody }] : [],
    );
  let stored: typeof items = [];
  const results = await storeVerified(
    client,
    blobs,
    items,
    async (accepted, images) => {
      stored = accepted;
      await insertDeliveries(
        client,
        accepted.map(({ delivery, rawBodyBlobId, images: carried }) => ({
          delivery,
          rawBodyBlobId,
          imageId: carried[0] ? images.get(carried[0].sha256)!.imageId : null,
        })),
      );
    },
    rawBodies,
    handOffSeconds,
  );
  const lastMatches = new Map<string, Date>();
  for (const { delivery } of stored) if (delivery.matchedCredential) lastMatches.set(delivery.matchedCredential.id, delivery.receivedAt);
  for (const [credentialId, at] of lastMatches) await noteCredentialMatch(client, credentialId, at);
  return new Map(batch.map((pending, index) => [pending, results[index]]));
}
