import { randomUUID } from "node:crypto";
import type pg from "pg";
import { insertBlobRows, type BlobWriter, type NewBlobRow } from "../storage/blob-rows.ts";
import { valuesList } from "../storage/values-list.ts";
import { enqueueForwards } from "../forwarding/enqueue-forwards.ts";
import { insertDeliveries, noteCredentialMatch } from "./delivery-rows.ts";
import { notifyDeliveries, type CommitResult, type DeliveryFacts, type IncomingImage, type VerifiedContent } from "./record-delivery.ts";

// Stores a batch of verified deliveries in the caller's transaction with a fixed number of
// statements, whatever the batch size: a dedupe claim, an image lookup, the new blob rows (their
// bytes were put in the blob store before the transaction began), images, deliveries and their
// image links, their forwarding jobs, one NOTIFY per delivery. (lib/deliveries/group-commit.ts
// forms the batches.) Rows that share a unique index are written in a sorted order, so two
// batches committing at once wait for each other rather than deadlock.

export interface PendingDelivery {
  delivery: DeliveryFacts;
  content: VerifiedContent;
  /** Seen before for the source: the delivery is a retry and is not stored again. */
  dedupeKey: string;
}

export interface StoredImage {
  imageId: string;
  isNew: boolean;
}

export async function commitBatch(client: pg.ClientBase, blobs: BlobWriter, batch: PendingDelivery[]): Promise<CommitResult[]> {
  const results = new Array<CommitResult>(batch.length);
  const accepted = await claimDedupeKeys(client, batch, results);
  if (accepted.length === 0) return results;

  const rawBodies: NewBlobRow[] = [];
  const rows = accepted.map((index) => {
    const { delivery, content } = batch[index];
    const rawBodyBlobId = content.rawBody ? randomUUID() : null;
    if (content.rawBody) rawBodies.push({ id: rawBodyBlobId!, sha256: delivery.bodySha256!, body: content.rawBody });
    return { delivery, rawBodyBlobId, firstImage: content.images[0] };
  });
  const images = await storeImages(
    client,
    blobs,
    accepted.flatMap((index) => batch[index].content.images),
    rawBodies,
  );
  await insertDeliveries(
    client,
    rows.map(({ delivery, rawBodyBlobId, firstImage }) => ({ delivery, rawBodyBlobId, imageId: firstImage ? images.get(firstImage.sha256)!.imageId : null })),
  );
  await linkImages(
    client,
    accepted.map((index) => batch[index]),
    images,
  );

  // The image is new to the first delivery of the batch that carries it.
  const claimedNew = new Set<string>();
  for (const index of accepted) {
    const newImages = [];
    for (const image of batch[index].content.images) {
      const stored = images.get(image.sha256)!;
      if (stored.isNew && !claimedNew.has(image.sha256)) {
        claimedNew.add(image.sha256);
        newImages.push({ id: stored.imageId, image });
      }
    }
    results[index] = { isDuplicate: false, deliveryId: batch[index].delivery.id, newImages };
  }
  const lastMatches = new Map<string, Date>();
  for (const { delivery } of rows) if (delivery.matchedCredential) lastMatches.set(delivery.matchedCredential.id, delivery.receivedAt);
  for (const [credentialId, at] of lastMatches) await noteCredentialMatch(client, credentialId, at);
  // The forwarding outbox: one statement per batch, committed with the deliveries (lib/forwarding).
  await enqueueForwards(
    client,
    rows.map(({ delivery }) => ({ id: delivery.id, sourceId: delivery.sourceId })),
  );
  await notifyDeliveries(
    client,
    rows.map((row) => row.delivery.id),
  );
  return results;
}

/**
 * Claims each delivery's dedupe key. Returns the indexes of the deliveries to store; the others
 * get their result here: the delivery that holds the key, stored earlier or earlier in the batch.
 */
async function claimDedupeKeys(client: pg.ClientBase, batch: PendingDelivery[], results: CommitResult[]): Promise<number[]> {
  const firstWithKey = new Map<string, number>();
  const repeats: Array<[number, number]> = [];
  for (const [index, pending] of batch.entries()) {
    const key = `${pending.delivery.sourceId}\u0000${pending.dedupeKey}`;
    const first = firstWithKey.get(key);
    if (first === undefined) firstWithKey.set(key, index);
    else repeats.push([index, first]);
  }
  const claimants = [...firstWithKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, index]) => index);
  const { rows } = await client.query<{ delivery_id: string }>({
    name: `claim-dedupe-keys-${claimants.length}`,
    text: `INSERT INTO dedupe_keys (source_id, key, delivery_id) VALUES ${valuesList(claimants.length, 3)} ON CONFLICT DO NOTHING RETURNING delivery_id`,
    values: claimants.flatMap((index) => [batch[index].delivery.sourceId, batch[index].dedupeKey, batch[index].delivery.id]),
  });
  const claimed = new Set(rows.map((row) => row.delivery_id));
  for (const index of claimants) {
    if (claimed.has(batch[index].delivery.id)) continue;
    const { sourceId } = batch[index].delivery;
    const holder = await client.query<{ delivery_id: string }>("SELECT delivery_id FROM dedupe_keys WHERE source_id = $1 AND key = $2", [
      sourceId,
      batch[index].dedupeKey,
    ]);
    results[index] = { isDuplicate: true, deliveryId: holder.rows[0].delivery_id };
  }
  for (const [index, first] of repeats) {
    results[index] = { isDuplicate: true, deliveryId: results[first]?.deliveryId ?? batch[first].delivery.id };
  }
  return claimants.filter((index) => claimed.has(batch[index].delivery.id)).sort((a, b) => a - b);
}

/**
 * Content-addressed: an image already stored is not stored again. FOR KEY SHARE keeps a
 * retention purge (lib/retention) from deleting an image row under a delivery that is about to
 * use it. The new images' blob rows are inserted with `otherBlobs` (the batch's raw bodies), in
 * one statement. Re-verification (lib/inspection) stores a quarantined delivery's images with it too.
 */
export async function storeImages(
  client: pg.ClientBase,
  blobs: BlobWriter,
  incoming: IncomingImage[],
  otherBlobs: NewBlobRow[] = [],
): Promise<Map<string, StoredImage>> {
  const stored = new Map<string, StoredImage>();
  if (incoming.length === 0) {
    await insertBlobRows(client, blobs, otherBlobs);
    return stored;
  }
  const bySha = new Map(incoming.map((image) => [image.sha256, image]));
  const hashes = [...bySha.keys()].sort();
  const existing = await client.query<{ id: string; sha256: string }>({
    name: "find-images",
    text: "SELECT id, sha256 FROM images WHERE sha256 = ANY($1::text[]) ORDER BY sha256 FOR KEY SHARE",
    values: [hashes],
  });
  for (const row of existing.rows) stored.set(row.sha256, { imageId: row.id, isNew: false });

  const fresh = hashes.filter((sha) => !stored.has(sha)).map((sha) => ({ image: bySha.get(sha)!, imageId: randomUUID(), blobId: randomUUID() }));
  await insertBlobRows(client, blobs, [...fresh.map(({ image, blobId }) => ({ id: blobId, sha256: image.sha256, body: image.spool })), ...otherBlobs]);
  if (fresh.length === 0) return stored;
  const inserted = await client.query<{ sha256: string }>({
    name: `insert-images-${fresh.length}`,
    text: `INSERT INTO images (id, sha256, mime_type, width, height, byte_size, blob_id) VALUES ${valuesList(fresh.length, 7)}
           ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
    values: fresh.flatMap(({ image, imageId, blobId }) => [imageId, image.sha256, image.mimeType, image.width, image.height, image.spool.size, blobId]),
  });
  const won = new Set(inserted.rows.map((row) => row.sha256));
  for (const { image, imageId, blobId } of fresh) {
    if (won.has(image.sha256)) {
      stored.set(image.sha256, { imageId, isNew: true });
      continue;
    }
    // Another transaction stored the same image first and has committed: use its row. The
    // bytes are the same (same SHA-256), and that row names them: only our row goes.
    await client.query("DELETE FROM blobs WHERE id = $1", [blobId]);
    const winner = await client.query<{ id: string }>("SELECT id FROM images WHERE sha256 = $1 FOR KEY SHARE", [image.sha256]);
    stored.set(image.sha256, { imageId: winner.rows[0].id, isNew: false });
  }
  return stored;
}

async function linkImages(client: pg.ClientBase, deliveries: PendingDelivery[], images: Map<string, StoredImage>): Promise<void> {
  const links = deliveries.flatMap(({ delivery, content }) =>
    content.images.map((image, position) => [delivery.id, position, images.get(image.sha256)!.imageId, image.origin]),
  );
  if (links.length === 0) return;
  await client.query({
    name: `insert-delivery-images-${links.length}`,
    text: `INSERT INTO delivery_images (delivery_id, position, image_id, origin) VALUES ${valuesList(links.length, 4)}`,
    values: links.flat(),
  });
}
