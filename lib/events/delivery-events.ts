import pg from "pg";
import { getConfig } from "../config.ts";
import { getPool } from "../db.ts";

// Live delivery events across instances. Every delivery's transaction sends
// `NOTIFY deliveries, '<id>'` (delivered on commit, to every instance on the database). Each
// app process keeps ONE dedicated LISTEN connection, turns notifications into events (one
// query per batch of ids) and fans them out to its open streams. If that connection drops, it
// reconnects and replays what was committed meanwhile, by sequence number.

export const DELIVERY_CHANNEL = "deliveries";
/** `NOTIFY forwarding, '<delivery id>'` when one of a delivery's forwards changes (an attempt, a replay). */
export const FORWARDING_CHANNEL = "forwarding";

export interface DeliveryEvent {
  seq: string;
  id: string;
  source: string;
  status: "verified" | "failed" | "rejected";
}

type Listener = (event: DeliveryEvent) => void;
type ForwardingListener = (deliveryId: string) => void;

interface Hub {
  listeners: Set<Listener>;
  forwardingListeners: Set<ForwardingListener>;
  client: pg.Client | null;
  /** Settles once the current connection's LISTEN is in effect (or its attempt failed). */
  listening: Promise<void>;
  pendingIds: Set<string>;
  flushTimer: NodeJS.Timeout | null;
  lastSeq: bigint;
  reconnectDelayMs: number;
}

const globalForEvents = globalThis as typeof globalThis & { webhookInboxEvents?: Hub };

/** Calls `listener` for each new delivery, from any instance; returns the unsubscribe function. */
export function subscribeToDeliveries(listener: Listener): () => void {
  const hub = getHub();
  hub.listeners.add(listener);
  if (!hub.client) void connect(hub);
  return () => hub.listeners.delete(listener);
}

/**
 * Calls `listener` with the delivery's id whenever a forward of it changes, in any instance. The
 * same LISTEN connection as deliveries; the ids are not looked up (a page that cares re-reads).
 */
export function subscribeToForwarding(listener: ForwardingListener): () => void {
  const hub = getHub();
  hub.forwardingListeners.add(listener);
  if (!hub.client) void connect(hub);
  return () => hub.forwardingListeners.delete(listener);
}

/** Tells every instance's open inspectors, on commit of `client`'s transaction, that this delivery's forwarding changed. */
export async function notifyForwardingChange(client: { query(text: string, values: unknown[]): Promise<unknown> }, deliveryId: string): Promise<void> {
  await client.query("SELECT pg_notify($1, $2)", [FORWARDING_CHANNEL, deliveryId]);
}

/**
 * Resolves once this instance is LISTENing (at most `timeoutMs` later). A stream that catches up
 * from the database must wait for this first: a delivery committed after the catch-up query but
 * before LISTEN took effect would otherwise reach nobody.
 */
export function untilListening(timeoutMs = 3_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  return Promise.race([getHub().listening, timeout]).finally(() => clearTimeout(timer));
}

/** Deliveries committed after `afterSeq`, oldest first: the catch-up after a reconnect. */
export async function deliveriesSince(afterSeq: bigint, limit = 500): Promise<DeliveryEvent[]> {
  const { rows } = await getPool().query<DeliveryEvent>(
    `SELECT d.seq::text AS seq, d.id, s.slug AS source, d.status FROM deliveries d JOIN sources s ON s.id = d.source_id
      WHERE d.seq > $1 ORDER BY d.seq LIMIT $2`,
    [afterSeq.toString(), limit],
  );
  return rows;
}

/** The newest sequence number now, for a page to hand to its stream: what commits after the render is then not missed. */
export async function latestDeliverySeq(): Promise<string> {
  const { rows } = await getPool().query<{ seq: string | null }>("SELECT max(seq)::text AS seq FROM deliveries");
  return rows[0].seq ?? "0";
}

function getHub(): Hub {
  globalForEvents.webhookInboxEvents ??= {
    listeners: new Set(),
    forwardingListeners: new Set(),
    client: null,
    listening: Promise.resolve(),
    pendingIds: new Set(),
    flushTimer: null,
    lastSeq: -1n,
    reconnectDelayMs: 500,
  };
  return globalForEvents.webhookInboxEvents;
}

async function connect(hub: Hub): Promise<void> {
  const client = new pg.Client({ connectionString: getConfig().DATABASE_URL });
  hub.client = client;
  let settleListening = () => {};
  hub.listening = new Promise((resolve) => (settleListening = resolve));
  const retry = () => {
    if (hub.client !== client) return;
    hub.client = null;
    client.end().catch(() => {});
    setTimeout(() => hub.listeners.size + hub.forwardingListeners.size > 0 && void connect(hub), hub.reconnectDelayMs);
    hub.reconnectDelayMs = Math.min(hub.reconnectDelayMs * 2, 10_000);
  };
  client.on("error", retry);
  client.on("end", retry);
  client.on("notification", (message) => {
    if (message.channel === FORWARDING_CHANNEL) {
      if (message.payload) publishForwarding(hub, message.payload);
      return;
    }
    if (message.payload) hub.pendingIds.add(message.payload);
    // Notifications come in bursts under load: look them up together, a few ms later.
    hub.flushTimer ??= setTimeout(() => void flush(hub), 5);
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${DELIVERY_CHANNEL}; LISTEN ${FORWARDING_CHANNEL}`);
    settleListening();
    hub.reconnectDelayMs = 500;
    if (hub.lastSeq >= 0n) {
      // Whatever committed while we were not listening.
      for (const event of await deliveriesSince(hub.lastSeq)) publish(hub, event);
    } else {
      const { rows } = await getPool().query<{ seq: string | null }>("SELECT max(seq)::text AS seq FROM deliveries");
      hub.lastSeq = BigInt(rows[0].seq ?? 0);
    }
  } catch {
    settleListening();
    retry();
  }
}

async function flush(hub: Hub): Promise<void> {
  hub.flushTimer = null;
  const ids = [...hub.pendingIds];
  hub.pendingIds.clear();
  try {
    const { rows } = await getPool().query<DeliveryEvent>(
      `SELECT d.seq::text AS seq, d.id, s.slug AS source, d.status FROM deliveries d JOIN sources s ON s.id = d.source_id
        WHERE d.id = ANY($1::uuid[]) ORDER BY d.seq`,
      [ids],
    );
    for (const event of rows) publish(hub, event);
  } catch (error) {
    console.warn(`live events: could not look up ${ids.length} deliveries: ${(error as Error).message}`);
  }
}

function publish(hub: Hub, event: DeliveryEvent): void {
  const seq = BigInt(event.seq);
  if (seq > hub.lastSeq) hub.lastSeq = seq;
  for (const listener of hub.listeners) {
    try {
      listener(event);
    } catch {
      // one broken stream must not stop the others
    }
  }
}

function publishForwarding(hub: Hub, deliveryId: string): void {
  for (const listener of hub.forwardingListeners) {
    try {
      listener(deliveryId);
    } catch {
      // as above
    }
  }
}
