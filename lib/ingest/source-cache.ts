import pg from "pg";
import { getConfig } from "../config.ts";
import { findReceivingSource, type ReceivingSource } from "./find-receiving-source.ts";

// The receiver's sources and credentials, kept in memory per instance. Reading them was one
// query (a join, secrets decrypted) per delivery: a measured share of both the receiver's and
// PostgreSQL's CPU under load (bench/profile-ingest.ts), for data that changes a few times a
// month. A trigger (migration 20261202110000_source_change_notify) sends NOTIFY source_changes
// on every change that matters, from any instance or the CLI; each one empties the cache.
// Hand-written rather than a caching library because the rule that makes it safe is ours: the
// cache is trusted only while this instance's LISTEN connection is up. While it is down (or not
// yet listening) every delivery reads the database, as before; when it comes back the cache
// starts empty. An entry also ends when its first active credential expires, which no
// notification announces, and after MAX_AGE_MS in any case.

const CHANNEL = "source_changes";
const MAX_AGE_MS = 60_000;
const MAX_RECONNECT_DELAY_MS = 10_000;

interface Entry {
  source: ReceivingSource;
  validUntil: number;
}

/** The cache's generation when each source it handed out was read, if it was listening then. */
const readInGeneration = new WeakMap<ReceivingSource, number>();

interface Cache {
  entries: Map<string, Entry>;
  /** Bumped by every notification and reconnect: a lookup begun before it must not be stored. */
  generation: number;
  client: pg.Client | null;
  isListening: boolean;
  reconnectDelayMs: number;
  isClosed: boolean;
}

const globalForCache = globalThis as typeof globalThis & { webhookInboxSourceCache?: Cache };

/** The source with this slug as the receiver sees it, from memory when that is known to be current. */
export async function receivingSource(pool: pg.Pool, slug: string): Promise<ReceivingSource | null> {
  const cache = getCache();
  if (!cache.client && !cache.isClosed) void listen(cache);
  const entry = cache.entries.get(slug);
  if (entry && cache.isListening && Date.now() < entry.validUntil) return entry.source;

  const generation = cache.generation;
  const wasListening = cache.isListening;
  const source = await findReceivingSource(pool, slug);
  if (source && wasListening) readInGeneration.set(source, generation);
  if (source && wasListening && cache.isListening && generation === cache.generation) {
    const expiry = source.nextExpiryAt?.getTime() ?? Infinity;
    cache.entries.set(slug, { source, validUntil: Math.min(Date.now() + MAX_AGE_MS, expiry) });
  } else {
    cache.entries.delete(slug);
  }
  return source;
}

/**
 * The source's credentials as they are now: the same object when no change has been announced
 * since it was read (or it was read from the database for this request), else read again. The
 * receivers call it once the body is in, so that a credential added, rotated or revoked while a
 * body was arriving, or just before it (the notification is a moment behind the commit), is
 * what verifies it.
 */
export async function currentCredentials(pool: pg.Pool, source: ReceivingSource): Promise<ReceivingSource> {
  const generation = readInGeneration.get(source);
  if (generation === undefined || (generation === getCache().generation && getCache().isListening)) return source;
  return (await findReceivingSource(pool, source.slug)) ?? source;
}

/** Stops listening (at shutdown); lookups read the database from then on. */
export async function closeSourceCache(): Promise<void> {
  const cache = getCache();
  cache.isClosed = true;
  forget(cache);
  const client = cache.client;
  cache.client = null;
  await client?.end().catch(() => {});
}

function getCache(): Cache {
  globalForCache.webhookInboxSourceCache ??= { entries: new Map(), generation: 0, client: null, isListening: false, reconnectDelayMs: 500, isClosed: false };
  return globalForCache.webhookInboxSourceCache;
}

function forget(cache: Cache): void {
  cache.isListening = false;
  cache.generation++;
  cache.entries.clear();
}

async function listen(cache: Cache): Promise<void> {
  const client = new pg.Client({ connectionString: getConfig().DATABASE_URL });
  cache.client = client;
  const retry = () => {
    if (cache.client !== client) return;
    forget(cache);
    cache.client = null;
    client.end().catch(() => {});
    if (!cache.isClosed) setTimeout(() => cache.client || cache.isClosed || void listen(cache), cache.reconnectDelayMs).unref();
    cache.reconnectDelayMs = Math.min(cache.reconnectDelayMs * 2, MAX_RECONNECT_DELAY_MS);
  };
  client.on("error", retry);
  client.on("end", retry);
  client.on("notification", () => {
    cache.generation++;
    cache.entries.clear();
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    if (cache.client !== client) return;
    forget(cache); // whatever was looked up before LISTEN took effect may have missed a change
    cache.isListening = true;
    cache.reconnectDelayMs = 500;
  } catch {
    retry();
  }
}
