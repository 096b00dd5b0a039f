import type { Refusal, SchemeContext } from "../scheme.ts";

// Timestamped schemes (Standard Webhooks, Stripe, a generic HMAC over `timestamp.body`) refuse a
// delivery signed too long ago or too far ahead, so that a captured request cannot be replayed
// later. The check is symmetric: a sender whose clock runs ahead is as suspect as a replay.

/** Standard Webhooks' and Stripe's own libraries default to five minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

const UNIX_SECONDS = /^\d{1,12}$/;

/** Whole seconds since the epoch, as the header carries them; null for anything else. */
export function parseUnixSeconds(text: string | null | undefined): number | null {
  const value = text?.trim();
  if (!value || !UNIX_SECONDS.test(value)) return null;
  return Number(value);
}

/** Signed seconds the sender's clock is ahead of ours (negative: the signature is older than now). */
export function skewSeconds(timestamp: number, now: Date): number {
  return timestamp - Math.floor(now.getTime() / 1000);
}

/** A refusal when `timestamp` is outside `toleranceSeconds` of `context.now`, else null. */
export function checkTolerance(timestamp: number, context: SchemeContext, toleranceSeconds: number, header: string): Refusal | null {
  const skew = skewSeconds(timestamp, context.now);
  if (Math.abs(skew) <= toleranceSeconds) return null;
  const how = skew < 0 ? `${-skew} s old` : `${skew} s in the future`;
  return { accepted: false, code: "timestamp_out_of_tolerance", message: `${header} is ${how}; the tolerance is ${toleranceSeconds} s` };
}
