import type { Config } from "../config.ts";

// Whether the receiver hands forwards off (./hand-off.ts), how long their jobs are held back,
// and how a destination's concurrency limit is split between the hand-off and the workers.

/**
 * Up to this long beyond its attempt's timeout a handed-off forward may take: the wait for its
 * destination's slot (at most 1 s, ./hand-off-send.ts) and recording the attempt.
 */
const HAND_OFF_MARGIN_SECONDS = 3;

/**
 * Seconds a handed-off forward's job is held back, or null when forwards are not handed off (the
 * queue sends them at once): as long as the hand-off's attempt may take, so that the job comes
 * due only once the receiver has died or given up (a receiver still sending then would only send
 * the delivery twice, with the same webhook-id). This is how long a kill -9 delays its forwards.
 */
export function handOffSeconds(config: Config): number | null {
  if (!config.FORWARD_HAND_OFF || handOffShare(config.FORWARD_DESTINATION_CONCURRENCY) === 0) return null;
  return Math.ceil(config.FORWARD_TIMEOUT_MS / 1000) + HAND_OFF_MARGIN_SECONDS;
}

/** The receiver's share of a destination's concurrency limit; the workers get the rest (so at least one). */
export function handOffShare(limit: number): number {
  return Math.floor(limit / 2);
}

/** The workers' share (forward-delivery.ts). */
export function workerShare(config: Config): number {
  const limit = config.FORWARD_DESTINATION_CONCURRENCY;
  return handOffSeconds(config) === null ? limit : limit - handOffShare(limit);
}
