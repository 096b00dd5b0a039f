"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { mayMatchFilters } from "@/components/deliveries-log/matches-filters.ts";
import { useDeliveryEvents } from "@/components/live/use-delivery-events.ts";
import type { GalleryFilters } from "@/lib/gallery/gallery-query.ts";
import { GalleryLightbox } from "./gallery-lightbox.tsx";
import { GalleryTile } from "./gallery-tile.tsx";
import { newestTileFirst, type GalleryTileData } from "./gallery-tile-data.ts";

// The gallery grid, kept current. Its first page is rendered by the server; further pages come
// from GET /api/gallery with the keyset cursor when a sentinel below the grid nears the
// viewport (or its "Load more" button is pressed). For each live verified delivery that could
// match the filters, the API is asked which tiles that delivery puts on top (`delivery=<id>`,
// same filters, so the server decides what matches and counts duplicates); each replaces the
// tile of the same image, if shown, at the top, with a highlight that fades.

const HIGHLIGHT_MS = 4_000;
const PRELOAD_MARGIN = "800px";

interface LiveGalleryProps {
  /** No source exists yet (right after setup): the empty gallery says how to add the first. */
  hasSources: boolean;
  initialTiles: GalleryTileData[];
  initialCursor: string | null;
  filters: GalleryFilters;
  /** The filters as a query string (no empty parameters), for the API. */
  filterQuery: string;
  /** The newest delivery sequence number when the server rendered the first page. */
  since: string;
}

export function LiveGallery({ initialTiles, initialCursor, filters, filterQuery, since, hasSources }: LiveGalleryProps) {
  const [tiles, setTiles] = useState(initialTiles);
  const [nextCursor, setNextCursor] = useState(initialCursor);
  const [loadState, setLoadState] = useState<"idle" | "loading" | "error">("idle");
  const [freshIds, setFreshIds] = useState<ReadonlySet<string>>(() => new Set());
  const [openImageId, setOpenImageId] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const isLoading = useRef(false);
  const sentinel = useRef<HTMLDivElement>(null);

  const loadMore = useCallback(async () => {
    if (isLoading.current || !nextCursor) return;
    isLoading.current = true;
    setLoadState("loading");
    try {
      const page = await fetchTiles(`${filterQuery}&cursor=${encodeURIComponent(nextCursor)}`);
      setTiles((current) => [...current, ...page.items.filter((tile) => !current.some((shown) => shown.image.id === tile.image.id))]);
      setNextCursor(page.nextCursor);
      setLoadState("idle");
    } catch {
      setLoadState("error");
    } finally {
      isLoading.current = false;
    }
  }, [filterQuery, nextCursor]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !nextCursor || loadState === "error") return;
    // A new observer per cursor: it reports at once if the sentinel is still in view after a page.
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && void loadMore(), { rootMargin: PRELOAD_MARGIN });
    observer.observe(target);
    return () => observer.disconnect();
  }, [nextCursor, loadMore, loadState]);

  useDeliveryEvents(async (event) => {
    if (!mayMatchFilters(event, { ...filters, status: "verified" })) return;
    const page = await fetchTiles(`${filterQuery}&delivery=${encodeURIComponent(event.id)}`).catch(() => null);
    if (!page || page.items.length === 0) return;
    const arrived = new Set(page.items.map((tile) => tile.image.id));
    setTiles((current) => [...page.items, ...current.filter((tile) => !arrived.has(tile.image.id))].sort(newestTileFirst));
    setFreshIds((current) => new Set([...current, ...arrived]));
    setAnnouncement(`New image from ${event.source}`);
    setTimeout(() => setFreshIds((current) => new Set([...current].filter((id) => !arrived.has(id)))), HIGHLIGHT_MS);
  }, since);

  const openIndex = openImageId ? tiles.findIndex((tile) => tile.image.id === openImageId) : -1;
  const move = (step: -1 | 1) => {
    const next = tiles[openIndex + step];
    if (next) setOpenImageId(next.image.id);
    if (openIndex + step >= tiles.length - 2) void loadMore();
  };

  return (
    <div className="space-y-4">
      <p role="status" className="sr-only">
        {announcement}
      </p>
      {tiles.length === 0 ? (
        <EmptyState isFiltered={filterQuery !== ""} hasSources={hasSources} />
      ) : (
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4 lg:grid-cols-4 xl:grid-cols-5 2xl:grid-cols-6" aria-label="Verified images">
          {tiles.map((tile) => (
            <GalleryTile key={tile.image.id} tile={tile} isNew={freshIds.has(tile.image.id)} onOpen={() => setOpenImageId(tile.image.id)} />
          ))}
        </ul>
      )}
      {nextCursor && (
        <div ref={sentinel} className="flex justify-center py-4">
          <button
            type="button"
            onClick={() => void loadMore()}
            disabled={loadState === "loading"}
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:text-slate-500"
          >
            {loadState === "loading" ? "Loading more images…" : loadState === "error" ? "Could not load more images: try again" : "Load more images"}
          </button>
        </div>
      )}
      <GalleryLightbox
        tile={tiles[openIndex] ?? null}
        position={`${openIndex + 1} of ${tiles.length}${nextCursor ? "+" : ""}`}
        hasPrevious={openIndex > 0}
        hasNext={openIndex >= 0 && openIndex < tiles.length - 1}
        onMove={move}
        onClose={() => setOpenImageId(null)}
      />
    </div>
  );
}

function EmptyState({ isFiltered, hasSources }: { isFiltered: boolean; hasSources: boolean }) {
  return (
    <p className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center text-slate-600">
      {!hasSources ? (
        <>
          No sources yet, so nothing can deliver images.{" "}
          <Link href="/sources" className="font-medium underline">
            Add the first source
          </Link>{" "}
          (an admin, on the Sources page, or <code className="font-mono text-sm">npm run cli -- source add</code>) and give the sender its receiver URL and
          secret.
        </>
      ) : isFiltered ? (
        <>
          No images match these filters.{" "}
          <Link href="/gallery" className="font-medium underline">
            Show all images
          </Link>
        </>
      ) : (
        "No verified images yet. They appear here as soon as a signed delivery arrives."
      )}
    </p>
  );
}

async function fetchTiles(query: string): Promise<{ items: GalleryTileData[]; nextCursor: string | null }> {
  const response = await fetch(`/api/gallery?${query.replace(/^&/, "")}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`the gallery answered ${response.status}`);
  return response.json();
}
