"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { SIGNED_OUT_EVENT } from "@/components/live/use-delivery-events.ts";

// Keeps the inspector's forwarding attempts current: GET /api/events?forwarding=<id> sends an
// event whenever this delivery's forwarding changes, in any instance, and the page is rendered
// again (one refresh for a burst). On a reconnection it refreshes once too, for what was
// recorded while the stream was down; on the first connection only if a forward was waiting
// when the page was rendered (an attempt may have come between the render and the stream).

const MIN_REFRESH_GAP_MS = 500;

export function LiveForwardingRefresh({ deliveryId, hasWaiting }: { deliveryId: string; hasWaiting: boolean }) {
  const router = useRouter();
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per delivery; hasWaiting matters only for the first connection
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let isFirstOpen = true;
    const refreshSoon = () => {
      timer ??= setTimeout(() => {
        timer = null;
        router.refresh();
      }, MIN_REFRESH_GAP_MS);
    };
    const source = new EventSource(`/api/events?forwarding=${encodeURIComponent(deliveryId)}`);
    source.addEventListener("forwarding", refreshSoon);
    source.addEventListener("open", () => {
      if (!isFirstOpen || hasWaiting) refreshSoon();
      isFirstOpen = false;
    });
    source.addEventListener("signed-out", () => {
      source.close();
      window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    });
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
    };
    // Once per delivery: hasWaiting only matters for the first connection.
  }, [deliveryId, router]);
  return <span hidden data-live-forwarding={deliveryId} />;
}
