"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useDeliveryEvents } from "@/components/live/use-delivery-events.ts";

// Keeps the server-rendered overview current: a burst of deliveries becomes one refresh at
// most every few seconds, and a quiet minute still refreshes, so that "5 min ago" and the
// silence warnings move on with the clock.

const MIN_REFRESH_GAP_MS = 3_000;
const IDLE_REFRESH_MS = 60_000;

export function OverviewLiveRefresh() {
  const router = useRouter();
  const lastRefresh = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refreshSoon = () => {
    if (pending.current) return;
    const wait = Math.max(0, lastRefresh.current + MIN_REFRESH_GAP_MS - Date.now());
    pending.current = setTimeout(() => {
      pending.current = null;
      lastRefresh.current = Date.now();
      router.refresh();
    }, wait);
  };

  useDeliveryEvents(refreshSoon);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once; refreshSoon only touches refs and the router, which are stable
  useEffect(() => {
    const timer = setInterval(refreshSoon, IDLE_REFRESH_MS);
    return () => {
      clearInterval(timer);
      if (pending.current) clearTimeout(pending.current);
    };
    // Once: refreshSoon only touches refs and the router, which are stable.
  }, []);
  return null;
}
