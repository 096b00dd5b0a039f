import type { GalleryTile } from "@/lib/gallery/list-gallery-images.ts";

/** A tile as the browser holds it: as GET /api/gallery answers it, dates as ISO strings. */
export type GalleryTileData = Omit<GalleryTile, "receivedAt"> & { receivedAt: string };

export function toTileData(tile: GalleryTile): GalleryTileData {
  return { ...tile, receivedAt: tile.receivedAt.toISOString() };
}

/** What names an image: the sender's metadata, or an Eden AI job ("image gen-0001"). */
export function tileCaption(tile: Pick<GalleryTileData, "metadata" | "jobId" | "feature">): string | null {
  return tile.metadata || (tile.jobId ? `${tile.feature ?? "job"} ${tile.jobId}` : null);
}

/** Newest delivery first, as the server orders tiles (its position tie-break is kept by a stable sort). */
export function newestTileFirst(a: GalleryTileData, b: GalleryTileData): number {
  return b.receivedAt.localeCompare(a.receivedAt) || (b.deliveryId < a.deliveryId ? -1 : b.deliveryId > a.deliveryId ? 1 : 0);
}
