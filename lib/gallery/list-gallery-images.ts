import { z } from "zod";
import { getPool } from "../db.ts";
import { narrowSearch, nextDay, searchTerm, startOfDay } from "../deliveries/delivery-filters.ts";
import type { GalleryFilters, GalleryQuery } from "./gallery-query.ts";

// The gallery: the images of VERIFIED deliveries only (a failed or rejected delivery stores no
// image at all; its body sits in quarantine), newest first, one tile per distinct image.
//
// Collapsing and the keyset cursor, together: the query walks the matching verified
// deliveries' images newest first, down the (received_at, id) index of deliveries, and keeps
// a delivery image only when no NEWER matching delivery carries the same image (NOT EXISTS on
// delivery_images' image_id index). So each image appears exactly once, at the place of its
// latest matching delivery, and the tiles are ordered by (received_at, delivery id, position)
// of that delivery. That triple is the cursor: the next page continues the walk below it,
// where every image already shown is skipped by the same NOT EXISTS (it has a newer delivery),
// so pages have no gaps and no repeats. A delivery arriving later with an image already shown
// moves that image's tile to the top; a reader's older pages never show it twice, because
// below the cursor it still has a newer delivery. The "×3" is the number of matching verified
// deliveries that carry the image.

export interface GalleryTile {
  image: { id: string; sha256: string; mimeType: string; width: number; height: number; byteSize: number };
  /** The newest matching delivery that carried the image. */
  deliveryId: string;
  receivedAt: Date;
  source: string;
  metadata: string | null;
  jobId: string | null;
  feature: string | null;
  /** Where the image sat in the delivery: the multipart field, or a JSON path in an Eden AI payload. */
  origin: string;
  deliveryCount: number;
}

export interface GalleryPage {
  items: GalleryTile[];
  nextCursor: string | null;
}

interface TileRow {
  image_id: string;
  sha256: string;
  mime_type: string;
  width: number;
  height: number;
  byte_size: number;
  delivery_id: string;
  received_at: Date;
  position: number;
  source: string;
  metadata: string | null;
  job_id: string | null;
  feature: string | null;
  origin: string;
  delivery_count: string;
}

export async function listGalleryImages(query: GalleryQuery): Promise<GalleryPage> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const matching = matchingDeliveryConditions(query, param, await narrowSearch(query.q));
  const walk = [...matching("d")];
  const after = query.cursor && !query.delivery ? decodeCursor(query.cursor) : null;
  if (after) {
    const [time, id, position] = [param(after.receivedAt), param(after.deliveryId), param(after.position)];
    // The first conjunct alone is what lets the index scan start at the cursor.
    walk.push(`d.received_at <= ${time}`, `(d.received_at < ${time} OR d.id < ${id} OR (d.id = ${id} AND di.position > ${position}))`);
  }
  if (query.delivery) walk.push(`d.id = ${param(query.delivery)}`);
  const limit = param(query.limit + 1);
  const { rows } = await getPool().query<TileRow>(
    `SELECT i.id AS image_id, i.sha256, i.mime_type, i.width, i.height, i.byte_size,
            d.id AS delivery_id, d.received_at, di.position, s.slug AS source, d.metadata, d.job_id, d.feature, di.origin,
            (SELECT count(DISTINCT di3.delivery_id) FROM delivery_images di3 JOIN deliveries d3 ON d3.id = di3.delivery_id
              WHERE di3.image_id = di.image_id AND ${matching("d3").join(" AND ")}) AS delivery_count
       FROM deliveries d
       JOIN delivery_images di ON di.delivery_id = d.id
       JOIN images i ON i.id = di.image_id
       JOIN sources s ON s.id = d.source_id
      WHERE ${walk.join(" AND ")}
        AND NOT EXISTS (
          SELECT 1 FROM delivery_images di2 JOIN deliveries d2 ON d2.id = di2.delivery_id
           WHERE di2.image_id = di.image_id AND ${matching("d2").join(" AND ")}
             AND (d2.received_at > d.received_at OR (d2.received_at = d.received_at AND d2.id > d.id) OR (d2.id = d.id AND di2.position < di.position)))
      ORDER BY d.received_at DESC, d.id DESC, di.position ASC
      LIMIT ${limit}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(toTile), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

/** SQL conditions (on the deliveries table under `alias`) for "a verified delivery these filters keep". */
function matchingDeliveryConditions(filters: GalleryFilters, param: (value: unknown) => string, narrowedIds: string[] | null): (alias: string) => string[] {
  // Each value is bound once and shared by the walk, the NOT EXISTS and the count.
  const source = filters.source ? param(filters.source) : null;
  // The log's search (delivery-filters.ts): a UUID as a delivery id or job id, else a substring of
  // the metadata, the file name or the job id (trigram indexes).
  const term = filters.q ? searchTerm(filters.q) : null;
  let search: ((alias: string) => string) | null = null;
  if (term?.kind === "id") {
    const [id, ids] = [param(term.ids[0]), param(term.ids)];
    search = (alias) => `(${alias}.id = ${id}::uuid OR ${alias}.job_id = ANY(${ids}::text[]))`;
  } else if (narrowedIds) {
    // Exactly the rows the search matches (narrow-search.ts), found by a cheaper plan.
    const ids = param(narrowedIds);
    search = (alias) => `${alias}.id = ANY(${ids}::uuid[])`;
  } else if (term) {
    const pattern = param(`%${term.pattern}%`);
    search = (alias) => `(${alias}.metadata ILIKE ${pattern} OR ${alias}.file_name ILIKE ${pattern} OR ${alias}.job_id ILIKE ${pattern})`;
  }
  const from = filters.from ? param(startOfDay(filters.from)) : null;
  const to = filters.to ? param(nextDay(filters.to)) : null;
  return (alias) => [
    `${alias}.status = 'verified'`,
    ...(source ? [`${alias}.source_id = (SELECT id FROM sources WHERE slug = ${source})`] : []),
    ...(search ? [search(alias)] : []),
    ...(from ? [`${alias}.received_at >= ${from}`] : []),
    ...(to ? [`${alias}.received_at < ${to}`] : []),
  ];
}

function toTile(row: TileRow): GalleryTile {
  return {
    image: { id: row.image_id, sha256: row.sha256, mimeType: row.mime_type, width: row.width, height: row.height, byteSize: row.byte_size },
    deliveryId: row.delivery_id,
    receivedAt: row.received_at,
    source: row.source,
    metadata: row.metadata,
    jobId: row.job_id,
    feature: row.feature,
    origin: row.origin,
    deliveryCount: Number(row.delivery_count),
  };
}

function encodeCursor(row: TileRow): string {
  return Buffer.from(`${row.received_at.toISOString()}|${row.delivery_id}|${row.position}`).toString("base64url");
}

function decodeCursor(cursor: string): { receivedAt: Date; deliveryId: string; position: number } {
  const [time, deliveryId, position] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const receivedAt = new Date(time);
  if (Number.isNaN(receivedAt.getTime()) || !z.guid().safeParse(deliveryId).success || !/^\d{1,6}$/.test(position ?? "")) {
    throw new z.ZodError([{ code: "custom", path: ["cursor"], message: "not a cursor returned by this API", input: cursor }]);
  }
  return { receivedAt, deliveryId, position: Number(position) };
}
