import type { DeliverySummary } from "@/lib/deliveries/list-deliveries.ts";

type GalleryItem = Pick<DeliverySummary, "id" | "receivedAt" | "metadata" | "source" | "image">;

export function GalleryGrid({ items }: { items: GalleryItem[] }) {
  if (items.length === 0) {
    return <p className="rounded-lg border border-dashed border-slate-300 p-10 text-center text-slate-500">No verified images yet. They appear here as soon as a signed delivery arrives.</p>;
  }
  return (
    <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5" aria-label="Verified images">
      {items.map((item) =>
        item.image ? (
          <li key={item.id} className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm" data-delivery-id={item.id}>
            <a href={`/api/images/${item.image.id}`} target="_blank" rel="noreferrer" className="block aspect-[4/3] bg-slate-100">
              {/* Thumbnails come from an authenticated route, so next/image's optimizer is not used. */}
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img src={`/api/images/${item.image.id}/thumbnail`} alt={item.metadata ? `Image: ${item.metadata}` : "Delivered image"} loading="lazy" className="h-full w-full object-contain" />
            </a>
            <div className="space-y-1 p-3 text-sm">
              <p className="truncate font-medium" title={item.metadata ?? ""}>
                {item.metadata || <span className="italic text-slate-400">no metadata</span>}
              </p>
              <p className="flex justify-between gap-2 text-xs text-slate-500">
                <span className="truncate">{item.source}</span>
                <time dateTime={item.receivedAt.toISOString()}>{formatTime(item.receivedAt)}</time>
              </p>
              <p className="text-xs text-slate-400">
                {item.image.width}×{item.image.height} · {formatBytes(item.image.byteSize)}
              </p>
            </div>
          </li>
        ) : null,
      )}
    </ul>
  );
}

function formatTime(date: Date): string {
  return date.toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
