// How many failed or rejected deliveries per source and minute keep their body in quarantine
// (QUARANTINE_PER_MINUTE). Anyone who knows a slug can send unsigned bodies, and each kept one
// costs disk up to the body limit; past the rate, deliveries are still logged, without their
// body. Counted per app instance over a sliding minute (the times of at most N bodies per
// source), so the check costs no database round trip on the path that floods.

const WINDOW_MS = 60_000;
const keptAt = new Map<string, number[]>();

/** True when this refusal may keep its body; counts it if so. */
export function mayQuarantine(sourceId: string, perMinute: number, now = performance.now()): boolean {
  const times = (keptAt.get(sourceId) ?? []).filter((time) => now - time < WINDOW_MS);
  const isAllowed = times.length < perMinute;
  if (isAllowed) times.push(now);
  if (times.length) keptAt.set(sourceId, times);
  else keptAt.delete(sourceId);
  return isAllowed;
}
