import { z } from "zod";
import { getPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { dateRangeIssue, deliveryFilterConditions, deliveryFilterShape, isDateRangeInOrder, narrowSearch } from "./delivery-filters.ts";

// The delivery log, newest first, with keyset pagination: the cursor is the (receivedAt, id)
// of the last item, so a deep page costs the same as the first and nothing shifts under a
// reader while new deliveries arrive. The filters (source, status, q, from/to UTC days) are
// those of the log page and the CSV export (delivery-filters.ts).

export const listDeliveriesQuery = z
  .object({
    ...deliveryFilterShape,
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    hasImage: z.enum(["true", "false"]).optional(),
  })
  .refine(isDateRangeInOrder, dateRangeIssue);

export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;

export const deliverySummarySelect = {
  id: true,
  receivedAt: true,
  status: true,
  httpStatus: true,
  reason: true,
  metadata: true,
  fileName: true,
  bodySize: true,
  matchedCredential: true,
  reverifiedAt: true,
  reverifiedBy: true,
  jobId: true,
  jobStatus: true,
  provider: true,
  feature: true,
  subfeature: true,
  source: { select: { slug: true } },
  image: { select: { id: true, sha256: true, mimeType: true, width: true, height: true, byteSize: true } },
} satisfies Prisma.DeliverySelect;

type Row = Prisma.DeliveryGetPayload<{ select: typeof deliverySummarySelect }>;

export async function listDeliveries(query: ListDeliveriesQuery) {
  const filters = deliveryFilterConditions(query, await narrowSearch(query.q));
  if (query.hasImage) filters.push({ imageId: query.hasImage === "true" ? { not: null } : null });
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  if (after) {
    filters.push(...afterCursor(after));
  }
  const rows = await getPrisma().delivery.findMany({
    where: { AND: filters },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: deliverySummarySelect,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(toDeliverySummary), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

export function toDeliverySummary(row: Row) {
  const { source, ...rest } = row;
  return { ...rest, source: source.slug };
}

export type DeliverySummary = ReturnType<typeof toDeliverySummary>;

/**
 * Rows after a keyset cursor, newest first. The OR alone would be a filter that every row above
 * the cursor passes through (a page 900,000 rows deep read them all); the redundant
 * `receivedAt <= ` is what the index scan starts from, so a deep page costs what the first does.
 */
export function afterCursor(after: { receivedAt: Date; id: string }): Prisma.DeliveryWhereInput[] {
  return [
    { receivedAt: { lte: after.receivedAt } },
    { OR: [{ receivedAt: { lt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { lt: after.id } }] },
  ];
}

function encodeCursor(row: { receivedAt: Date; id: string }): string {
  return Buffer.from(`${row.receivedAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  const [time, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const receivedAt = new Date(time);
  if (Number.isNaN(receivedAt.getTime()) || !z.uuid().safeParse(id).success) {
    throw new z.ZodError([{ code: "custom", path: ["cursor"], message: "not a cursor returned by this API", input: cursor }]);
  }
  return { receivedAt, id };
}
