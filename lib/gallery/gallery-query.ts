import { z } from "zod";
import { dateRangeIssue, deliveryFilterShape, isDateRangeInOrder } from "../deliveries/delivery-filters.ts";

// The gallery's query string: the delivery log's filters (delivery-filters.ts) but for status,
// which is always `verified` here, a keyset cursor and a page size. `delivery` asks for the
// tiles one delivery contributes, which is how a live page learns what to put on top.

const { status: _status, forwarding: _forwarding, ...galleryFilterShape } = deliveryFilterShape;

export const galleryFilters = z.object(galleryFilterShape).refine(isDateRangeInOrder, dateRangeIssue);

export type GalleryFilters = z.infer<typeof galleryFilters>;

export const GALLERY_PAGE_SIZE = 60;

export const galleryQuery = z
  .object({
    ...galleryFilterShape,
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(GALLERY_PAGE_SIZE),
    delivery: z.guid().optional(),
  })
  .refine(isDateRangeInOrder, dateRangeIssue);

export type GalleryQuery = z.infer<typeof galleryQuery>;
