import type pg from "pg";
import { DELIVERY_CHANNEL } from "../events/delivery-events.ts";

// Live pages on every instance learn of a delivery when its transaction commits (lib/events).

export async function notifyDelivery(client: pg.ClientBase, deliveryId: string): Promise<void> {
  await notifyDeliveries(client, [deliveryId]);
}

/** One NOTIFY per delivery, in order, in one statement (a group-committed batch sends many). */
export async function notifyDeliveries(client: pg.ClientBase, deliveryIds: string[]): Promise<void> {
  await client.query({
    name: "notify-deliveries",
    text: "SELECT pg_notify($1, id) FROM unnest($2::text[]) WITH ORDINALITY AS sent (id, n) ORDER BY n",
    values: [DELIVERY_CHANNEL, deliveryIds],
  });
}
