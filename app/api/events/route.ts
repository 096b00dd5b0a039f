import { recheckerFor } from "@/lib/auth/operator-recheck.ts";
import { requireApiOperator } from "@/lib/auth/require-operator.ts";
import { getConfig } from "@/lib/config.ts";
import { deliveriesSince, subscribeToDeliveries, subscribeToForwarding, untilListening, type DeliveryEvent } from "@/lib/events/delivery-events.ts";
import { withErrors } from "@/lib/http/errors.ts";

// GET /api/events: Server-Sent Events, one `delivery` event per new delivery from whichever
// instance received it. The event id is the delivery's sequence number; a browser that
// reconnects sends it back as Last-Event-ID and first gets what it missed. Its credentials are
// checked again every EVENTS_AUTH_RECHECK_SECONDS: once revoked, the stream sends `signed-out`
// and ends (the browser's reconnect then gets 401), so a live page stops receiving.
// With `?forwarding=<delivery id>` (the inspector) it also sends a `forwarding` event, data
// `{"id"}`, whenever that delivery's forwarding changes (an attempt recorded, a replay queued).

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;
const encoder = new TextEncoder();

export const GET = withErrors(async (request: Request) => {
  await requireApiOperator(request);
  const isStillAuthorized = await recheckerFor(request);
  const recheckMs = getConfig().EVENTS_AUTH_RECHECK_SECONDS * 1000;
  const forwardingOf = parseUuid(new URL(request.url).searchParams.get("forwarding"));
  const lastEventId = parseSeq(request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId"));
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const sent = new Set<string>();
      const sendEvent = (event: DeliveryEvent) => {
        if (sent.has(event.id)) return;
        sent.add(event.id);
        send(`id: ${event.seq}\nevent: delivery\ndata: ${JSON.stringify({ id: event.id, source: event.source, status: event.status })}\n\n`);
      };
      // Subscribe (and be LISTENing) before catching up, so nothing committed in between is lost;
      // `sent` drops doubles.
      const unsubscribeDeliveries = subscribeToDeliveries(sendEvent);
      // No `id:` line: the browser's Last-Event-ID stays the last delivery's sequence number.
      const unsubscribeForwarding = forwardingOf
        ? subscribeToForwarding((deliveryId) => deliveryId === forwardingOf && send(`event: forwarding\ndata: ${JSON.stringify({ id: deliveryId })}\n\n`))
        : () => {};
      const heartbeat = setInterval(() => send(": heartbeat\n\n"), HEARTBEAT_MS);
      const recheck = setInterval(async () => {
        if (await isStillAuthorized()) return;
        send("event: signed-out\ndata: {}\n\n");
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      }, recheckMs);
      cleanup = () => {
        clearInterval(heartbeat);
        clearInterval(recheck);
        unsubscribeDeliveries();
        unsubscribeForwarding();
      };
      request.signal.addEventListener("abort", () => cleanup());
      // "connected" once this instance is LISTENing (at most a few seconds after a database
      // outage): a client told it is connected misses nothing committed after that.
      await untilListening();
      send("retry: 2000\n: connected\n\n");
      if (lastEventId !== null) for (const event of await deliveriesSince(lastEventId)) sendEvent(event);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});

function parseUuid(value: string | null): string | null {
  return value && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? value.toLowerCase() : null;
}

function parseSeq(value: string | null): bigint | null {
  return value && /^\d{1,19}$/.test(value) ? BigInt(value) : null;
}
