import { getPrisma } from "../db.ts";

// What retention applies to, for the settings page: how much is stored now, and what the last
// purge (on any instance) removed.

export interface RetentionStatus {
  quarantinedBodies: number;
  quarantinedBytes: number;
  images: number;
  imageBytes: number;
  lastPurge: { at: Date; detail: unknown } | null;
}

export async function getRetentionStatus(): Promise<RetentionStatus> {
  const prisma = getPrisma();
  const [[stored], lastPurge] = await Promise.all([
    prisma.$queryRaw<Array<Omit<RetentionStatus, "lastPurge">>>`
      SELECT (SELECT count(*)::int FROM quarantined_bodies) AS "quarantinedBodies",
             (SELECT coalesce(sum(b.byte_size), 0)::float8 FROM quarantined_bodies q JOIN blobs b ON b.id = q.blob_id) AS "quarantinedBytes",
             (SELECT count(*)::int FROM images) AS images,
             (SELECT coalesce(sum(byte_size), 0)::float8 FROM images) AS "imageBytes"`,
    prisma.auditEvent.findFirst({ where: { action: "retention.purge" }, orderBy: { at: "desc" }, select: { at: true, detail: true } }),
  ]);
  return { ...stored, lastPurge };
}
