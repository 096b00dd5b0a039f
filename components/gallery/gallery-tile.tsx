import { DateTime } from "@/components/users/date-time.tsx";
import { formatBytes } from "@/components/deliveries-log/format-bytes.ts";
import { tileCaption, type GalleryTileData } from "./gallery-tile-data.ts";

// One image: its thumbnail (a button that opens the lightbox), what it is and when it came.
// A tile stands for every matching delivery of the same image; the badge says how many.

export function GalleryTile({ tile, isNew, onOpen }: { tile: GalleryTileData; isNew: boolean; onOpen: () => void }) {
  const caption = tileCaption(tile);
  return (
    <li
      data-image-id={tile.image.id}
      data-delivery-id={tile.deliveryId}
      data-new={isNew || undefined}
      className={`overflow-hidden rounded-lg border shadow-sm transition-colors duration-1000 ${isNew ? "border-sky-300 bg-sky-50 ring-2 ring-sky-200" : "border-slate-200 bg-white"}`}
    >
      <button
        type="button"
        onClick={onOpen}
        className="relative block aspect-[4/3] w-full cursor-zoom-in bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-sky-600"
      >
        {/* Thumbnails come from an authenticated route, so next/image's optimizer is not used. */}
        <img
          src={`/api/images/${tile.image.id}/thumbnail`}
          alt={caption ? `Image: ${caption}` : "Delivered image"}
          loading="lazy"
          decoding="async"
          // For bench/gallery-page-weight.ts: the Element Timing API reports when a thumbnail is painted.
          {...{ elementtiming: "gallery-thumbnail" }}
          className="h-full w-full object-contain"
        />
        {tile.deliveryCount > 1 && (
          <span
            className="absolute top-2 right-2 rounded-full bg-slate-900/80 px-2 py-0.5 text-xs font-semibold text-white tabular-nums"
            title={`Delivered ${tile.deliveryCount} times; the newest is shown`}
          >
            ×{tile.deliveryCount}
            <span className="sr-only"> deliveries of this image</span>
          </span>
        )}
      </button>
      <div className="space-y-1 p-3 text-sm">
        <p className="truncate font-medium" title={caption ?? ""}>
          {caption || <span className="text-slate-500 italic">no metadata</span>}
        </p>
        <p className="truncate text-xs text-slate-600">{tile.source}</p>
        <p className="text-xs text-slate-600">
          <DateTime value={new Date(tile.receivedAt)} precision="second" />
        </p>
        <p className="text-xs text-slate-500">
          {tile.image.width}×{tile.image.height} · {formatBytes(tile.image.byteSize)}
        </p>
      </div>
    </li>
  );
}
