import { createHash, randomUUID } from "node:crypto";
import { untilReceiverQuiet } from "../ingest/ingest-activity.ts";
import { deleteUnreferencedBytes, insertBlobRows, type StorageContext } from "../storage/blob-rows.ts";
import { bufferBody } from "../storage/blob-store.ts";
import { readBlobBuffer } from "../storage/read-blob.ts";
import { withTransaction } from "../storage/transaction.ts";
import { makeRendition, needsDisplayRendition, type MadeRendition, type RenditionKind } from "./make-rendition.ts";

// Renditions (thumbnails, display size) are made after the delivery has committed, so that the
// sender's 200 never waits for image processing, and only once no webhook has been received for
// a moment, so that under a burst the cores go to receiving (a 1920x1080 JPEG costs sharp a few
// ms of CPU). The queue is small and serial; whatever it drops (a long burst, a crash) is made
// on the first request for that rendition instead. Each queued job holds its image (in memory
// up to 1 MiB, else a spool file). Their bytes are blobs like any other.

const MAX_PENDING = 64;
let pending = 0;
let chain: Promise<void> = Promise.resolve();

export interface StoredRendition {
  data: Buffer;
  width: number;
  height: number;
  mimeType: string;
}

interface ImageFacts {
  id: string;
  width: number;
  height: number;
  byteSize: number;
}

/** Whether scheduleRenditions would take another image now (else the caller need not prepare its input). */
export function hasRenditionRoom(): boolean {
  return pending < MAX_PENDING;
}

export function scheduleRenditions(storage: StorageContext, image: ImageFacts, input: Buffer | string, onDone: () => Promise<void> = async () => {}): void {
  if (pending >= MAX_PENDING) {
    void onDone();
    return;
  }
  pending++;
  const kinds: RenditionKind[] = needsDisplayRendition(image) ? ["thumbnail", "display"] : ["thumbnail"];
  chain = chain
    .then(untilReceiverQuiet)
    .then(async () => {
      for (const kind of kinds) await storeRendition(storage, image.id, kind, await makeRendition(kind, input, image));
    })
    .catch((error: Error) => console.warn(`renditions of image ${image.id} not made: ${error.message}`))
    .finally(() => {
      pending--;
      return onDone();
    });
}

/** The stored rendition, made now from the original if it was not made yet; null for no such image. */
export async function getOrMakeRendition(storage: StorageContext, imageId: string, kind: RenditionKind): Promise<StoredRendition | null> {
  const { rows } = await storage.pool.query<{ sha256: string; width: number; height: number; mimeType: string }>({
    text: `SELECT b.sha256, r.width, r.height, r.mime_type AS "mimeType" FROM renditions r JOIN blobs b ON b.id = r.blob_id WHERE r.image_id = $1 AND r.kind = $2`,
    values: [imageId, kind],
  });
  if (rows[0]) return { ...rows[0], data: await readBlobBuffer(storage.blobs.store, rows[0].sha256) };
  const image = await storage.pool.query<{ sha256: string; width: number; height: number }>("SELECT sha256, width, height FROM images WHERE id = $1", [
    imageId,
  ]);
  if (!image.rows[0]) return null;
  const made = await makeRendition(kind, await readBlobBuffer(storage.blobs.store, image.rows[0].sha256), image.rows[0]);
  await storeRendition(storage, imageId, kind, made);
  return made;
}

class AlreadyMadeError extends Error {}

async function storeRendition(storage: StorageContext, imageId: string, kind: RenditionKind, made: MadeRendition): Promise<void> {
  const blob = { id: randomUUID(), sha256: createHash("sha256").update(made.data).digest("hex"), body: bufferBody(made.data) };
  await storage.blobs.store.put([blob]);
  try {
    await withTransaction(storage.pool, async (client) => {
      await insertBlobRows(client, storage.blobs, [blob]);
      const inserted = await client.query(
        `INSERT INTO renditions (image_id, kind, mime_type, width, height, blob_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [imageId, kind, made.mimeType, made.width, made.height, blob.id],
      );
      if (inserted.rowCount === 0) throw new AlreadyMadeError();
    });
  } catch (error) {
    // Made by another request meanwhile, or the image was purged: our bytes may be no one's.
    await deleteUnreferencedBytes(storage.pool, storage.blobs.store, [blob.sha256]);
    if (!(error instanceof AlreadyMadeError)) throw error;
  }
}
