import { randomUUID } from "node:crypto";
import type pg from "pg";
import { insertBlobRows, type BlobWriter, type NewBlobRow } from "../storage/blob-rows.ts";
import { valuesList } from "../storage/values-list.ts";
import { enqueueForwards, enqueueHandedOffForwards } from "../forwarding/enqueue-forwards.ts";
import type { CommitResult, IncomingImage } from "./delivery-types.ts";
import { notifyDeliveries } from "./notify-deliveries.ts";

// The one storing step of a verified delivery, in the caller's transaction, for a whole
// group-committed batch (lib/deliveries/commit-batch.ts) or one quarantined delivery that now
// verifies (lib/inspection/promote-delivery.ts), with a fixed number of statements whatever
// the batch size: the dedupe claims, the images (content-addressed; their bytes were put in the
// blob store before the transaction began) and their blob rows, the delivery rows (written by
// the caller: inserted on arrival, updated on re-verification), their image links, their
// forwarding jobs, one NOTIFY per delivery. Rows that share a unique index are written in a
// sorted order, so two batches committing at once wait for each other rather than deadlock.

export interface VerifiedItem {
  deliveryId: string;
  sourceId: string;
  /** Seen before for the source: the delivery is a retry and is not stored again. */
  dedupeKey: string;
  images: IncomingImage[];
}

export interface StoredImage {
  imageId: string;
  isNew: boolean;
}

/** Writes (or updates) the rows of the deliveries that claimed their key, given their images' ids. */
export type WriteDeliveries<T extends VerifiedItem> = (accepted: T[], images: ReadonlyMap<string, StoredImage>) => Promise<void>;

export async function storeVerified<T extends VerifiedItem>(
  client: pg.ClientBase,
  blobs: BlobWriter,
  items: T[],
  writeDeliveries: WriteDeliveries<T>,
  otherBlobs: (accepted: T[]) => NewBlobRow[] = () => [],
  /** The receiver's: forwards handed off to it, their jobs held back this long (lib/forwarding/hand-off.ts); null: jobs due at once. */
  handOffSeconds: number | null = null,
): Promise<CommitResult[]> {
  const results = new Array<CommitResult>(items.length);
  const accepted = await claimDedupeKeys(client, items, results);
  if (accepted.length === 0) return results;
  const acceptedItems = accepted.map((index) => items[index]);
  const images = await storeImages(
    client,
    blobs,
    acceptedItems.flatMap((item) => item.images),
    otherBlobs(acceptedItems),
  );
  await writeDeliveries(acceptedItems, images);
  await linkImages(client, acceptedItems, images);

  // The image is new to the first delivery of the batch that carries it.
  const claimedNew = new Set<string>();
  for (const index of accepted) {
    const newImages = [];
    for (const image of items[index].images) {
      const stored = images.get(image.sha256)!;
      if (stored.isNew && !claimedNew.has(image.sha256)) {
        claimedNew.add(image.sha256);
        newImages.push({ id: stored.imageId, image });
      }
    }
    results[index] = { isDuplicate: false, deliveryId: items[index].deliveryId, newImages };
  }
  // The forwarding outbox: one statement per batch, committed with the deliveries (lib/forwarding).
  const arrived = acceptedItems.map((item) => ({ id: item.deliveryId, sourceId: item.sourceId }));
  if (handOffSeconds === null) await enqueueForwards(client, arrived);
  else {
    const byDelivery = new Map(results.flatMap((result) => (result && !result.isDuplicate ? [[result.deliveryId, result] as const] : [])));
    for (const forward of await enqueueHandedOffForwards(client, arrived, handOffSeconds)) {
      const result = byDelivery.get(forward.deliveryId);
      if (result) (result.handedOff ??= []).push(forward);
    }
  }
  await notifyDeliveries(
    client,
    acceptedItems.map((item) => item.deliveryId),
  );
  return results;
}

/**
 * Claims each delivery's dedupe key. Returns the indexes of the deliveries to store; the others
 * get their result here: the delivery that holds the key, stored earlier or earlier in the batch.
 */
async function claimDedupeKeys(client: pg.ClientBase, items: VerifiedItem[], results: CommitResult[]): Promise<number[]> {
  const firstWithKey = new Map<string, number>();
  const repeats: Array<[number, number]> = [];
  for (const [index, item] of items.entries()) {
    const key = `${item.sourceId}\u0000${item.dedupeKey}`;
    const first = firstWithKey.get(key);
    if (first === undefined) firstWithKey.set(key, index);
    else repeats.push([index, first]);
  }
  const claimants = [...firstWithKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, index]) => index);
  const { rows } = await client.query<{ delivery_id: string }>({
    name: `claim-dedupe-keys-${claimants.length}`,
    text: `INSERT INTO dedupe_keys (source_id, key, delivery_id) VALUES ${valuesList(claimants.length, 3)} ON CONFLICT DO NOTHING RETURNING delivery_id`,
    values: claimants.flatMap((index) => [items[index].sourceId, items[index].dedupeKey, items[index].deliveryId]),
  });
  const claimed = new Set(rows.map((row) => row.delivery_id));
  for (const index of claimants) {
    if (claimed.has(items[index].deliveryId)) continue;
    const holder = await client.query<{ delivery_id: string }>("SELECT delivery_id FROM dedupe_keys WHERE source_id = $1 AND key = $2", [
      items[index].sourceId,
      items[index].dedupeKey,
    ]);
    results[index] = { isDuplicate: true, deliveryId: holder.rows[0].delivery_id };
  }
  for (const [index, first] of repeats) {
    results[index] = { isDuplicate: true, deliveryId: results[first]?.deliveryId ?? items[first].deliveryId };
  }
  return claimants.filter((index) => claimed.has(items[index].deliveryId)).sort((a, b) => a - b);
}

/**
 * Content-addressed: an image already stored is not stored again. FOR KEY SHARE keeps a
 * retention purge (lib/retention) from deleting an image row under a delivery that is about to
 * use it. The new images' blob rows are inserted with `otherBlobs` (the batch's raw bodies), in
 * one statement.
 */
async function storeImages(client: pg.ClientBase, blobs: BlobWriter, incoming: IncomingImage[], otherBlobs: NewBlobRow[]): Promise<Map<string, StoredImage>> {
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

async function linkImages(client: pg.ClientBase, items: VerifiedItem[], images: ReadonlyMap<string, StoredImage>): Promise<void> {
  const links = items.flatMap(({ deliveryId, images: carried }) =>
    carried.map((image, position) => [deliveryId, position, images.get(image.sha256)!.imageId, image.origin]),
  );
  if (links.length === 0) return;
  await client.query({
    name: `insert-delivery-images-${links.length}`,
    text: `INSERT INTO delivery_images (delivery_id, position, image_id, origin) VALUES ${valuesList(links.length, 4)}`,
    values: links.flat(),
  });
}
