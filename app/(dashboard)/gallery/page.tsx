import type { Metadata } from "next";
import Link from "next/link";
import { ZodError } from "zod";
import { DeliveriesFilters, type DeliveryFilterValues } from "@/components/deliveries-log/deliveries-filters.tsx";
import { LiveGallery } from "@/components/gallery/live-gallery.tsx";
import { toTileData } from "@/components/gallery/gallery-tile-data.ts";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { deliveryFilterQuery, listSourceOptions } from "@/lib/deliveries/delivery-filters.ts";
import { latestDeliverySeq } from "@/lib/events/delivery-events.ts";
import { galleryFilters, galleryQuery, type GalleryFilters } from "@/lib/gallery/gallery-query.ts";
import { listGalleryImages, type GalleryPage as TilePage } from "@/lib/gallery/list-gallery-images.ts";

export const metadata: Metadata = { title: "Gallery" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

export default async function GalleryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePageOperator("/gallery");
  const params = await searchParams;
  const values: DeliveryFilterValues = { source: first(params.source), q: first(params.q), from: first(params.from), to: first(params.to) };
  const filterQuery = deliveryFilterQuery(values);
  // Read before the first page, so that whatever commits after it reaches the live grid.
  const since = await latestDeliverySeq();
  const [sources, result] = await Promise.all([listSourceOptions(), loadFirstPage(values)]);
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-lg font-semibold">Gallery</h1>
        <p className="mt-1 text-sm text-slate-600">
          Images of verified deliveries only, newest first; an image delivered several times is one tile. New ones appear at the top as they arrive. Times are
          UTC.
        </p>
      </div>
      {first(params.denied) === "admin" && (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
          That page needs the admin role.
        </p>
      )}
      {/* Keyed by the filters: its fields are uncontrolled, and must show the URL's values after "Clear" or Back. */}
      <DeliveriesFilters key={filterQuery} values={values} sources={sources} action="/gallery" hasStatus={false} />
      {"problem" in result ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          These filters cannot be used: {result.problem}.{" "}
          <Link href="/gallery" className="font-medium underline">
            Show all images
          </Link>
        </p>
      ) : (
        <LiveGallery
          // New filters, or a refresh with new images, start the grid afresh.
          key={`${filterQuery}|${result.items[0]?.image.id ?? ""}`}
          initialTiles={result.items.map(toTileData)}
          initialCursor={result.nextCursor}
          filters={result.filters}
          filterQuery={filterQuery}
          since={since}
          hasSources={sources.length > 0}
        />
      )}
    </div>
  );
}

async function loadFirstPage(values: DeliveryFilterValues): Promise<(TilePage & { filters: GalleryFilters }) | { problem: string }> {
  try {
    const filters = galleryFilters.parse(values);
    return { ...(await listGalleryImages(galleryQuery.parse(values))), filters };
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    return { problem: error.issues.map((issue) => issue.message).join("; ") };
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value) || undefined;
}
