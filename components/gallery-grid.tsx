import type { GalleryImage } from "@/lib/images/list-gallery-images.ts";

export function GalleryGrid({ items }: { items: GalleryImage[] }) {
  if (items.length === 0) {
    return <p className="rounded-lg border border-dashed border-slate-300 p-10 text-center text-slate-500">No verified images yet. They appear here as soon as a signed delivery arrives.</p>;
  }
  return (
    <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5" aria-label="Verified images">
      {items.map((item) => (
        <li key={item.key} className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm" data-delivery-id={item.deliveryId}>
          <a href={`/api/images/${item.image.id}`} target="_blank" rel="noreferrer" className="block aspect-[4/3] bg-slate-100">
            {/* Thumbnails come from an authenticated route, so next/image's optimizer is not used. */}
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={`/api/images/${item.image.id}/thumbnail`} alt={item.caption ? `Image: ${item.caption}` : "Delivered image"} loading="lazy" className="h-full w-full object-contain" />
          </a>
          <div className="space-y-1 p-3 text-sm">
            <p className="truncate font-medium" title={item.caption ?? ""}>
              {item.caption || <span className="italic text-slate-400">no metadata</span>}
            </p>
            <p className="truncate text-xs text-slate-500">{item.source}</p>
            <p className="text-xs text-slate-500">
              <time dateTime={item.receivedAt.toISOString()} title={item.receivedAt.toISOString()}>
                {item.receivedAt.toISOString().replace("T", " ").slice(0, 19)}
              </time>
            </p>
            <p className="text-xs text-slate-400">
              {item.image.width}×{item.image.height} · {formatBytes(item.image.byteSize)}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
