import { recordAudit, SYSTEM_ACTOR } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { getStorage } from "../storage/configured-store.ts";
import { getRetentionSettings } from "../settings/get-retention-settings.ts";
import type { RetentionSettings } from "../settings/retention-input.ts";
import type { Pacing } from "./pace-batches.ts";
import { purgeExpiredImages, type ImagePurgeResult } from "./purge-expired-images.ts";
import { purgeExpiredQuarantine, type QuarantinePurgeResult } from "./purge-expired-quarantine.ts";

// One retention pass: whatever the stored periods (or `retention`, for tests) say has expired
// at `now` is removed, and a run that removed something is recorded in the audit log. Every
// app instance runs this every few minutes; a session advisory lock lets one at a time work,
// and the others skip their turn rather than wait.

export const RETENTION_LOCK_KEY = 7_270_736_901;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionPurgeOptions {
  now?: Date;
  /** The periods to apply; by default the stored settings. */
  retention?: RetentionSettings;
  batchSize?: number;
  pacing?: Pacing;
}

export type RetentionPurgeResult =
  | { status: "busy" }
  | { status: "done"; retention: RetentionSettings; quarantine: QuarantinePurgeResult; images: ImagePurgeResult; bytesFreed: number };

export async function runRetentionPurge(options: RetentionPurgeOptions = {}): Promise<RetentionPurgeResult> {
  const storage = await getStorage();
  const { pool } = storage;
  const now = options.now ?? new Date();
  const lockHolder = await pool.connect();
  let isBroken = false;
  try {
    const { rows } = await lockHolder.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [RETENTION_LOCK_KEY]);
    if (!rows[0].locked) return { status: "busy" };
    try {
      const retention = options.retention ?? (await getRetentionSettings());
      const quarantine =
        retention.quarantineDays === null
          ? { bodies: 0, bytes: 0 }
          : await purgeExpiredQuarantine(storage, {
              now,
              cutoff: daysBefore(now, retention.quarantineDays),
              batchSize: options.batchSize,
              pacing: options.pacing,
            });
      const images =
        retention.imageDays === null
          ? { images: 0, thumbnails: 0, deliveries: 0, rawBodies: 0, bytes: 0 }
          : await purgeExpiredImages(storage, { now, cutoff: daysBefore(now, retention.imageDays), batchSize: options.batchSize, pacing: options.pacing });
      const bytesFreed = quarantine.bytes + images.bytes;
      if (quarantine.bodies > 0 || images.images > 0) {
        await recordAudit(getPrisma(), {
          actor: SYSTEM_ACTOR,
          action: "retention.purge",
          target: { type: "settings", name: "retention" },
          detail: {
            quarantinedBodies: quarantine.bodies,
            images: images.images,
            thumbnails: images.thumbnails,
            deliveriesWithImagesRemoved: images.deliveries,
            rawBodies: images.rawBodies,
            bytesFreed,
            quarantineDays: retention.quarantineDays,
            imageDays: retention.imageDays,
          },
        });
      }
      return { status: "done", retention, quarantine, images, bytesFreed };
    } finally {
      await lockHolder.query("SELECT pg_advisory_unlock($1)", [RETENTION_LOCK_KEY]).catch(() => {
        // Closing the connection releases the lock just as well.
        isBroken = true;
      });
    }
  } finally {
    lockHolder.release(isBroken);
  }
}

function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
