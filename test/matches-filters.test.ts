import { describe, expect, it } from "vitest";
import type { DeliveryLogRow } from "@/components/deliveries-log/delivery-log-row.ts";
import { matchesFilters } from "@/components/deliveries-log/matches-filters.ts";

// The browser's check for a delivery that arrives live in a filtered log must say what the
// database's search says (delivery-filters.ts), so a live row is one a reload would show.

const row = (fields: Partial<DeliveryLogRow>): DeliveryLogRow => ({
  id: "2b0c7c4e-7d55-4f4e-9d8e-1a2b3c4d5e6f",
  receivedAt: new Date("2026-12-04T10:00:00Z"),
  source: "live",
  status: "verified",
  httpStatus: 200,
  reason: null,
  metadata: null,
  bodySize: 10,
  matchedCredential: null,
  jobId: null,
  provider: null,
  feature: null,
  subfeature: null,
  reverifiedAt: null,
  reverifiedBy: null,
  ...fields,
});

describe("the live log's search", () => {
  const uuid = "7ff3043b-5215-6bc3-752e-26e34cd56cf4";

  it("takes a UUID as a whole delivery id or job id, in any case, not as a substring", () => {
    expect(matchesFilters(row({ jobId: uuid }), { q: uuid.toUpperCase() })).toBe(true);
    expect(matchesFilters(row({ id: uuid }), { q: ` ${uuid} ` })).toBe(true);
    expect(matchesFilters(row({ metadata: `batch ${uuid}` }), { q: uuid })).toBe(false);
  });

  it("takes anything else as a part of the metadata or the job id, in any case", () => {
    expect(matchesFilters(row({ metadata: `batch ${uuid}` }), { q: "7FF3043B-5215" })).toBe(true);
    expect(matchesFilters(row({ metadata: "frame-4242" }), { q: "FRAME-42" })).toBe(true);
    expect(matchesFilters(row({ metadata: "frame-4242" }), { q: "frame-43" })).toBe(false);
  });
});
