import { recordAudit } from "../audit/record-audit.ts";
import { getPool, getPrisma } from "../db.ts";
import { deleteUnreferencedBytes } from "../storage/blob-rows.ts";
import { getBlobWriter } from "../storage/configured-store.ts";
import { deliveryFilterConditions, type DeliveryFilters } from "../deliveries/delivery-filters.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { DeliveryNotDeletableError, DeliveryNotFoundError, MatchCountChangedError } from "./errors.ts";

// Deleting failed and rejected deliveries, one or all that match the log's filters, with their
// quarantined raw bodies (their blob rows, then after the commit their bytes). Verified deliveries are the
// record of what was received and are never deleted here. Each deletion and its audit entry
// commit together. Rows are locked before they go, so a re-verification running at the same
// moment either finishes first (the delivery is then verified, and skipped) or waits.

/** Rows per batch: a large set is deleted a slice at a time, never loaded whole. */
const BATCH_SIZE = 500;

const UNVERIFIED: Prisma.DeliveryWhereInput = { status: { in: ["failed", "rejected"] } };

export interface DeleteQuarantinedDeliveryOptions extends ChangedBy {
  deliveryId: string;
}

export async function deleteQuarantinedDelivery(options: DeleteQuarantinedDeliveryOptions): Promise<{ sourceSlug: string }> {
  const { store } = await getBlobWriter();
  const freed: string[] = [];
  const result = await getPrisma().$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ status: string; slug: string; reason: string | null }>>`
      SELECT d.status::text AS status, s.slug, d.reason
        FROM deliveries d JOIN sources s ON s.id = d.source_id
       WHERE d.id = ${options.deliveryId}::uuid FOR UPDATE OF d`;
    if (!row) throw new DeliveryNotFoundError();
    if (row.status === "verified") throw new DeliveryNotDeletableError();
    const blobCount = await deleteLockedDeliveries(tx, [options.deliveryId], freed);
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "delivery.delete",
      target: { type: "delivery", id: options.deliveryId, name: row.slug },
      detail: { source: row.slug, status: row.status, reason: row.reason?.slice(0, 500) ?? null, quarantinedBodies: blobCount },
    });
    return { sourceSlug: row.slug };
  });
  await deleteUnreferencedBytes(getPool(), store, freed);
  return result;
}

export interface QuarantinedSetOptions {
  filters: DeliveryFilters;
  /** Only deliveries received up to this instant: the moment the operator was shown the count. */
  receivedUpTo: Date;
}

/** How many failed and rejected deliveries match the log's filters, for the confirmation. */
export async function countQuarantinedDeliveries(options: QuarantinedSetOptions): Promise<number> {
  return getPrisma().delivery.count({ where: quarantinedSet(options) });
}

export interface DeleteQuarantinedDeliveriesOptions extends QuarantinedSetOptions, ChangedBy {
  /** The count the operator confirmed; the deletion happens only if it still holds. */
  expectedCount: number;
}

export async function deleteQuarantinedDeliveries(options: DeleteQuarantinedDeliveriesOptions): Promise<{ deleted: number; quarantinedBodies: number }> {
  const where = quarantinedSet(options);
  const { store } = await getBlobWriter();
  const freed: string[] = [];
  const result = await getPrisma().$transaction(
    async (tx) => {
      const count = await tx.delivery.count({ where });
      if (count !== options.expectedCount) throw new MatchCountChangedError(count);
      let deleted = 0;
      let quarantinedBodies = 0;
      for (;;) {
        const batch = await tx.delivery.findMany({ where, select: { id: true }, take: BATCH_SIZE });
        if (batch.length === 0) break;
        const locked = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT id::text AS id FROM deliveries WHERE id = ANY(${batch.map((row) => row.id)}::uuid[]) AND status <> 'verified' FOR UPDATE`;
        if (locked.length === 0) continue; // all of this slice were verified meanwhile: the next query skips them
        quarantinedBodies += await deleteLockedDeliveries(
          tx,
          locked.map((row) => row.id),
          freed,
        );
        deleted += locked.length;
      }
      await recordAudit(tx, {
        actor: options.actor,
        ip: options.ip,
        action: "delivery.delete_quarantined",
        target: { type: "deliveries", name: describeFilters(options.filters) },
        detail: { deleted, quarantinedBodies, filters: presentFilters(options.filters), receivedUpTo: options.receivedUpTo.toISOString() },
      });
      return { deleted, quarantinedBodies };
    },
    // A filter may match tens of thousands of rows; the default is 5 seconds.
    { timeout: 300_000, maxWait: 10_000 },
  );
  await deleteUnreferencedBytes(getPool(), store, freed);
  return result;
}

function quarantinedSet({ filters, receivedUpTo }: QuarantinedSetOptions): Prisma.DeliveryWhereInput {
  return { AND: [...deliveryFilterConditions(filters), UNVERIFIED, { receivedAt: { lte: receivedUpTo } }] };
}

/**
 * Deletes deliveries already locked FOR UPDATE, then the blob rows of the raw bodies only they
 * referenced, adding those SHA-256s to `freed`; answers how many bodies went.
 */
async function deleteLockedDeliveries(tx: Prisma.TransactionClient, ids: string[], freed: string[]): Promise<number> {
  const blobs = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT blob_id::text AS id FROM quarantined_bodies WHERE delivery_id = ANY(${ids}::uuid[])
    UNION ALL
    SELECT raw_body_blob_id::text FROM deliveries WHERE id = ANY(${ids}::uuid[]) AND raw_body_blob_id IS NOT NULL`;
  // Quarantine rows and image links go by cascade; images stay (content-addressed, shared).
  await tx.$executeRaw`DELETE FROM deliveries WHERE id = ANY(${ids}::uuid[])`;
  if (blobs.length > 0) {
    const gone = await tx.$queryRaw<Array<{ sha256: string }>>`DELETE FROM blobs WHERE id = ANY(${blobs.map((blob) => blob.id)}::uuid[]) RETURNING sha256`;
    freed.push(...gone.map((blob) => blob.sha256));
  }
  return blobs.length;
}

function presentFilters(filters: DeliveryFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""));
}

function describeFilters(filters: DeliveryFilters): string {
  const parts = Object.entries(presentFilters(filters)).map(([name, value]) => `${name}=${value}`);
  return parts.length > 0 ? parts.join(" ") : "all";
}
