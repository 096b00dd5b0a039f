import type pg from "pg";
import { untilReceiverQuiet } from "../ingest/ingest-activity.ts";
import { readWholeBlob } from "../storage/blobs.ts";
import { makeThumbnail, type Thumbnail } from "./make-thumbnail.ts";

// Thumbnails are made after the delivery has committed, so that the sender's 200 never waits
// for image processing, and only once no webhook has been received for a moment, so that under a burst the
// cores go to receiving (a 1920x1080 JPEG costs sharp a few ms of CPU). The queue is small and
// serial; whatever it drops (a long burst, a crash) is made on the first request for that
// thumbnail instead. Each queued job holds its image (in memory up to 1 MiB, else a spool file).

const MAX_PENDING = 64;
let pending = 0;
let chain: Promise<void> = Promise.resolve();

export function scheduleThumbnail(pool: pg.Pool, imageId: string, input: Buffer | string, onDone: () => Promise<void> = async () => {}): void {
  if (pending >= MAX_PENDING) {
    void onDone();
    return;
  }
  pending++;
  chain = chain
    .then(untilReceiverQuiet)
    .then(async () => storeThumbnail(pool, imageId, await makeThumbnail(input)))
    .catch((error: Error) => console.warn(`thumbnail for image ${imageId} not made: ${error.message}`))
    .finally(() => {
      pending--;
      return onDone();
    });
}

/** The stored thumbnail, made now from the original if it was not made yet. */
export async function getOrMakeThumbnail(pool: pg.Pool, imageId: string): Promise<Thumbnail | null> {
  const stored = await pool.query<Thumbnail>({
    text: `SELECT data, width, height, mime_type AS "mimeType" FROM thumbnails WHERE image_id = $1`,
    values: [imageId],
  });
  if (stored.rows[0]) return stored.rows[0];
  const image = await pool.query<{ blob_id: string }>("SELECT blob_id FROM images WHERE id = $1", [imageId]);
  if (!image.rows[0]) return null;
  const thumbnail = await makeThumbnail(await readWholeBlob(pool, image.rows[0].blob_id));
  await storeThumbnail(pool, imageId, thumbnail);
  return thumbnail;
}

async function storeThumbnail(pool: pg.Pool, imageId: string, thumbnail: Thumbnail): Promise<void> {
  await pool.query(
    `INSERT INTO thumbnails (image_id, mime_type, width, height, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [imageId, thumbnail.mimeType, thumbnail.width, thumbnail.height, thumbnail.data],
  );
}
