import type { Config } from "../config.ts";
import { staleLockSeconds } from "./release-stale-locks.ts";

// Whether the receiver hands forwards off (./hand-off.ts), how long their jobs are held back,
// and how a destination's concurrency limit is split between the hand-off and the workers.

/** Seconds a handed-off forward's job is held back, or null when forwards are not handed off (the queue sends them at once). */
export function handOffSeconds(config: Config): number | null {
  return config.FORWARD_HAND_OFF && handOffShare(config.FORWARD_DESTINATION_CONCURRENCY) > 0 ? staleLockSeconds(config) : null;
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
