"use client";

import { useEffect, useRef } from "react";

export interface LiveDeliveryEvent {
  id: string;
  source: string;
  status: "verified" | "failed" | "rejected";
}

/**
 * Calls `onDelivery` for every new delivery, live, from GET /api/events. EventSource
 * reconnects by itself and resumes with Last-Event-ID, so nothing is missed across a drop.
 */
export function useDeliveryEvents(onDelivery: (event: LiveDeliveryEvent) => void): void {
  const handler = useRef(onDelivery);
  handler.current = onDelivery;
  useEffect(() => {
    const source = new EventSource("/api/events");
    const listener = (message: MessageEvent<string>) => handler.current(JSON.parse(message.data) as LiveDeliveryEvent);
    source.addEventListener("delivery", listener);
    return () => {
      source.removeEventListener("delivery", listener);
      source.close();
    };
  }, []);
}
