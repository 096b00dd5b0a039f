import type pg from "pg";
import { findReceivingSource, type ReceivingSource } from "./find-receiving-source.ts";
import { staleSourceIds } from "./source-stamp.ts";

// The receiver's sources, remembered per process so that a delivery does not read its source
// and decrypt its secrets again (one query and a round trip a delivery; README: Benchmarks).
// A remembered source is only ever a guess: a delivery it verifies is committed only if the
// source's stamp is unchanged inside the commit's transaction (lib/deliveries/commit-batch.ts),
// and a delivery it would refuse is refused only once the stamp has been confirmed
// (`isCurrent`). Either way, a changed source is read again and the delivery received anew
// with it (lib/ingest/receive-webhook.ts). Only enabled sources are remembered, so a source
// that was just enabled or created answers at once.

const MAX_AGE_MS = 60_000;
const MAX_SOURCES = 1_000;

interface Remembered {
  source: ReceivingSource;
  readAt: number;
}

const caches = new WeakMap<pg.Pool, Map<string, Remembered>>();

export interface FoundSource {
  source: ReceivingSource | null;
  /** Taken from memory: to be confirmed before it decides anything (see above). */
  isRemembered: boolean;
}

export async function findSourceToReceive(pool: pg.Pool, slug: string): Promise<FoundSource> {
  const cache = cacheOf(pool);
  const remembered = cache.get(slug);
  if (remembered && performance.now() - remembered.readAt < MAX_AGE_MS) return { source: remembered.source, isRemembered: true };
  return { source: await readSourceAgain(pool, slug), isRemembered: false };
}

/** Reads the source from the database, remembering it if it is enabled and forgetting it otherwise. */
export async function readSourceAgain(pool: pg.Pool, slug: string): Promise<ReceivingSource | null> {
  const cache = cacheOf(pool);
  cache.delete(slug);
  const source = await findReceivingSource(pool, slug);
  if (source?.enabled) {
    if (cache.size >= MAX_SOURCES) cache.delete(cache.keys().next().value!);
    cache.set(slug, { source, readAt: performance.now() });
  }
  return source;
}

/** Whether the remembered source is still the database's. */
export async function isCurrent(pool: pg.Pool, source: ReceivingSource): Promise<boolean> {
  const stale = await staleSourceIds(pool, [{ sourceId: source.id, stamp: source.stamp }]);
  return stale.size === 0;
}

function cacheOf(pool: pg.Pool): Map<string, Remembered> {
  let cache = caches.get(pool);
  if (!cache) caches.set(pool, (cache = new Map()));
  return cache;
}
