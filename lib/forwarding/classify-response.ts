// What an attempt's answer means (pure; the rules): 2xx delivered; 410 pauses the
// destination; 429, 5xx, timeouts and connection errors are retried; any other status (other
// 4xx, and redirects, which are never followed) fails without retry.

export type AttemptVerdict = "delivered" | "retry" | "fail" | "gone";

export function classifyAttempt(httpStatus: number | null): AttemptVerdict {
  if (httpStatus === null) return "retry"; // no answer: timeout, refused, reset mid-answer
  if (httpStatus >= 200 && httpStatus < 300) return "delivered";
  if (httpStatus === 410) return "gone";
  if (httpStatus === 429 || httpStatus >= 500) return "retry";
  return "fail";
}

const JITTER = 0.1;
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

/**
 * Seconds until the next attempt after `attemptsMade` attempts, or null when the schedule is
 * done. `schedule[0]` is the first attempt's delay (0: at once); each later entry follows a
 * failure, with ±10% jitter so that a destination's backlog does not come back all at once.
 * A `Retry-After` from the destination wins over the schedule (capped at a day).
 */
export function nextRetryDelaySeconds(schedule: number[], attemptsMade: number, retryAfter: string | null, random: () => number = Math.random): number | null {
  if (attemptsMade >= schedule.length) return null;
  const asked = parseRetryAfter(retryAfter);
  if (asked !== null) return Math.min(asked, MAX_RETRY_AFTER_SECONDS);
  const base = schedule[attemptsMade];
  return base * (1 - JITTER + 2 * JITTER * random());
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}
