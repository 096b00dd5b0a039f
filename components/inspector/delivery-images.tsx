import { formatBytes } from "@/components/deliveries-log/format-bytes.ts";
import type { InspectedDelivery } from "@/lib/inspection/inspect-delivery.ts";

// The images of a verified delivery: each thumbnail opens the original bytes. Only verified
// deliveries have images; a quarantined body's image is never decoded or shown.

type DeliveryImage = InspectedDelivery["delivery"]["images"][number];

export function DeliveryImages({ images }: { images: DeliveryImage[] }) {
  return (
    <ul className="grid gap-4 sm:grid-cols-2" aria-label="Images">
      {images.map((image) => (
        <li key={`${image.id}-${image.origin}`} className="min-w-0 overflow-hidden rounded-md border border-slate-200">
          <a href={`/api/images/${image.id}`} target="_blank" rel="noreferrer" className="block aspect-[4/3] bg-slate-100" title="Open the original">
            {/* An authenticated route: next/image's optimizer is not used. */}
            <img src={`/api/images/${image.id}/thumbnail`} alt={`Thumbnail of ${image.origin}`} className="h-full w-full object-contain" />
          </a>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 p-3 text-xs">
            <dt className="text-slate-500">Type</dt>
            <dd className="text-slate-900">{image.mimeType}</dd>
            <dt className="text-slate-500">Size</dt>
            <dd className="text-slate-900">
              {image.width}×{image.height} px · {formatBytes(image.byteSize)}
            </dd>
            <dt className="text-slate-500">From</dt>
            <dd className="break-all font-mono text-slate-900">{image.origin}</dd>
            <dt className="text-slate-500">SHA-256</dt>
            <dd className="break-all font-mono text-slate-900">{image.sha256}</dd>
          </dl>
          <a
            href={`/api/images/${image.id}?download=1`}
            download
            className="block border-t border-slate-200 px-3 py-2 text-xs font-medium text-slate-700 hover:bg-slate-50"
          >
            Download original
          </a>
        </li>
      ))}
    </ul>
  );
}
