"use client";

import { useEffect, useRef } from "react";

/** Dispatched on window when the event stream says this browser was signed out (SignedOutNotice shows it). */
export const SIGNED_OUT_EVENT = "webhook-inbox:signed-out";

export interface LiveDeliveryEvent {
  id: string;
  source: string;
  status: "verified" | "failed" | "rejected";
}

/**
 * Calls `onDelivery` for every new delivery, live, from GET /api/events. EventSource
 * reconnects by itself and resumes with Last-Event-ID, so nothing is missed across a drop.
 * `since` (the newest sequence number when the server rendered the page, latestDeliverySeq)
 * also catches up what committed between the render and the stream's start.
 */
export function useDeliveryEvents(onDelivery: (event: LiveDeliveryEvent) => void, since?: string): void {
  const handler = useRef(onDelivery);
  handler.current = onDelivery;
  const firstSince = useRef(since);
  useEffect(() => {
    const source = new EventSource(firstSince.current ? `/api/events?lastEventId=${encodeURIComponent(firstSince.current)}` : "/api/events");
    const listener = (message: MessageEvent<string>) => handler.current(JSON.parse(message.data) as LiveDeliveryEvent);
    source.addEventListener("delivery", listener);
    // The session ended (signed out elsewhere, revoked, user removed): stop, and let the page say so.
    const signedOut = () => {
      source.close();
      window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    };
    source.addEventListener("signed-out", signedOut);
    return () => {
      source.removeEventListener("delivery", listener);
      source.removeEventListener("signed-out", signedOut);
      source.close();
    };
  }, []);
}
