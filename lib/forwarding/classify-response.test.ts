import { describe, expect, it } from "vitest";
import { classifyAttempt, nextRetryDelaySeconds, parseRetryAfter } from "./classify-response.ts";

const SCHEDULE = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

describe("forwarding attempt rules", () => {
  it("delivers on 2xx, retries 429, 5xx and no answer, pauses on 410, fails other answers", () => {
    expect([200, 201, 204, 299].map(classifyAttempt)).toEqual(["delivered", "delivered", "delivered", "delivered"]);
    expect([429, 500, 502, 503, null].map(classifyAttempt)).toEqual(["retry", "retry", "retry", "retry", "retry"]);
    expect(classifyAttempt(410)).toBe("gone");
    expect([301, 302, 307, 400, 401, 404, 422].map(classifyAttempt)).toEqual(["fail", "fail", "fail", "fail", "fail", "fail", "fail"]);
  });

  it("follows the Standard Webhooks schedule with ±10% jitter and stops after the last entry", () => {
    expect(nextRetryDelaySeconds(SCHEDULE, 1, null, () => 0.5)).toBe(5);
    expect(nextRetryDelaySeconds(SCHEDULE, 2, null, () => 0)).toBe(270);
    expect(nextRetryDelaySeconds(SCHEDULE, 2, null, () => 1)).toBeCloseTo(330);
    expect(nextRetryDelaySeconds(SCHEDULE, 7, null, () => 0.5)).toBe(36000);
    expect(nextRetryDelaySeconds(SCHEDULE, 8, null)).toBeNull();
  });

  it("honours Retry-After, in seconds or as a date, capped at a day", () => {
    expect(nextRetryDelaySeconds(SCHEDULE, 1, "120")).toBe(120);
    expect(nextRetryDelaySeconds(SCHEDULE, 1, "999999")).toBe(86400);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(30);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(nextRetryDelaySeconds(SCHEDULE, 8, "5")).toBeNull();
  });
});
