"use client";

import Link from "next/link";
import { useEffect, useId, useRef } from "react";
import { formatBytes } from "@/components/deliveries-log/format-bytes.ts";
import { DateTime } from "@/components/users/date-time.tsx";
import { tileCaption, type GalleryTileData } from "./gallery-tile-data.ts";

// The full image and everything known about it, in a modal <dialog>: the page behind is inert
// and focus stays inside, Escape closes it (the browser's own handling), and the arrow keys
// move to the previous or next tile of the grid.

interface GalleryLightboxProps {
  tile: GalleryTileData | null;
  position: string;
  onMove: (step: -1 | 1) => void;
  onClose: () => void;
  hasPrevious: boolean;
  hasNext: boolean;
}

export function GalleryLightbox({ tile, position, onMove, onClose, hasPrevious, hasNext }: GalleryLightboxProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const isOpen = tile !== null;
  useEffect(() => {
    const dialog = ref.current;
    if (isOpen && dialog && !dialog.open) {
      dialog.showModal();
      // Not the first focusable control (an arrow), so that Enter or Space does not move on by surprise.
      closeButton.current?.focus();
    }
    if (!isOpen && dialog?.open) dialog.close();
  }, [isOpen]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === "ArrowLeft" && hasPrevious) onMove(-1);
    else if (event.key === "ArrowRight" && hasNext) onMove(1);
    else return;
    event.preventDefault();
  };
  const caption = tile ? tileCaption(tile) : null;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onKeyDown={onKeyDown}
      // A click on the backdrop (the dialog element itself, outside its content) closes it.
      onClick={(event) => event.target === ref.current && ref.current?.close()}
      className="m-auto h-dvh max-h-none w-full max-w-none bg-slate-950 p-0 text-slate-100 backdrop:bg-slate-950/80 sm:h-[min(56rem,calc(100dvh-2rem))] sm:w-[min(90rem,calc(100vw-2rem))] sm:rounded-lg"
    >
      {tile && (
        <div className="flex h-full flex-col lg:flex-row">
          <div className="relative flex min-h-0 flex-1 items-center justify-center bg-black p-2">
            <img
              key={tile.image.id}
              src={`/api/images/${tile.image.id}/display`}
              alt={caption ? `Image: ${caption}` : "Delivered image"}
              className="max-h-full max-w-full object-contain"
            />
            <NavButton label="Previous image" isDisabled={!hasPrevious} onClick={() => onMove(-1)} side="left" />
            <NavButton label="Next image" isDisabled={!hasNext} onClick={() => onMove(1)} side="right" />
          </div>
          <aside className="max-h-[45dvh] shrink-0 overflow-y-auto border-t border-slate-800 p-4 text-sm lg:max-h-none lg:w-96 lg:border-t-0 lg:border-l">
            <div className="flex items-start justify-between gap-3">
              <h2 id={titleId} className="min-w-0 text-base font-semibold break-words">
                {caption || <span className="text-slate-400 italic">no metadata</span>}
              </h2>
              <button
                type="button"
                onClick={() => ref.current?.close()}
                ref={closeButton}
                className="shrink-0 rounded-md border border-slate-600 px-2 py-1 text-slate-200 hover:bg-slate-800"
              >
                Close
              </button>
            </div>
            <p className="mt-1 text-xs text-slate-400">{position} · ← → to move, Esc to close</p>
            <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2">
              <Term name="Source">{tile.source}</Term>
              <Term name="Received (UTC)">
                <DateTime value={new Date(tile.receivedAt)} precision="second" />
              </Term>
              <Term name="Size">{formatBytes(tile.image.byteSize)}</Term>
              <Term name="Dimensions">
                {tile.image.width}×{tile.image.height} px
              </Term>
              <Term name="Type">{tile.image.mimeType}</Term>
              <Term name="Deliveries">{tile.deliveryCount === 1 ? "1" : `${tile.deliveryCount} (the newest is shown)`}</Term>
              <Term name="From">{tile.origin}</Term>
              <Term name="SHA-256">
                <span className="font-mono text-xs break-all">{tile.image.sha256}</span>
              </Term>
            </dl>
            <div className="mt-5 flex flex-wrap gap-3">
              <Link href={`/deliveries/${tile.deliveryId}`} className="rounded-md bg-white px-3 py-1.5 font-medium text-slate-900 hover:bg-slate-200">
                Open the delivery
              </Link>
              <a
                href={`/api/images/${tile.image.id}?download=1`}
                download
                className="rounded-md border border-slate-500 px-3 py-1.5 font-medium text-slate-100 hover:bg-slate-800"
              >
                Download
              </a>
            </div>
          </aside>
        </div>
      )}
    </dialog>
  );
}

function Term({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-400">{name}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function NavButton({ label, isDisabled, onClick, side }: { label: string; isDisabled: boolean; onClick: () => void; side: "left" | "right" }) {
  return (
    <button
      type="button"
      aria-label={label}
      disabled={isDisabled}
      onClick={onClick}
      className={`absolute top-1/2 -translate-y-1/2 rounded-full bg-slate-900/70 px-3 py-2 text-lg text-white hover:bg-slate-800 disabled:opacity-30 ${side === "left" ? "left-2" : "right-2"}`}
    >
      {side === "left" ? "←" : "→"}
    </button>
  );
}
