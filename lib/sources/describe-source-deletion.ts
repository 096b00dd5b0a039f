import { getPrisma } from "../db.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";

// What deleting a source takes with it, for the confirmation the operator reads first and for
// the audit entry. Images are content-addressed and shared: one also delivered to another
// source stays; one delivered only here loses every reference (see deleteSource).

export interface SourceDeletionImpact {
  deliveries: number;
  quarantinedBodies: number;
  credentials: number;
  /** Images no other source's delivery carries. */
  imagesOnlyHere: number;
  /** Images that other sources' deliveries carry too: these stay as they are. */
  imagesShared: number;
}

export async function describeSourceDeletion(options: { sourceId: string }, db: Pick<PrismaClient, "$queryRaw"> = getPrisma()): Promise<SourceDeletionImpact> {
  const [impact] = await db.$queryRaw<SourceDeletionImpact[]>`
    WITH own_images AS (
      SELECT DISTINCT di.image_id
        FROM delivery_images di JOIN deliveries d ON d.id = di.delivery_id
       WHERE d.source_id = ${options.sourceId}::uuid
    ), classified AS (
      SELECT EXISTS (
               SELECT 1 FROM delivery_images o JOIN deliveries od ON od.id = o.delivery_id
                WHERE o.image_id = own_images.image_id AND od.source_id <> ${options.sourceId}::uuid
             ) AS is_shared
        FROM own_images
    )
    SELECT (SELECT count(*)::int FROM deliveries WHERE source_id = ${options.sourceId}::uuid) AS deliveries,
           (SELECT count(*)::int FROM quarantined_bodies q JOIN deliveries d ON d.id = q.delivery_id
             WHERE d.source_id = ${options.sourceId}::uuid) AS "quarantinedBodies",
           (SELECT count(*)::int FROM credentials WHERE source_id = ${options.sourceId}::uuid) AS credentials,
           (SELECT count(*)::int FROM classified WHERE NOT is_shared) AS "imagesOnlyHere",
           (SELECT count(*)::int FROM classified WHERE is_shared) AS "imagesShared"`;
  return impact;
}
