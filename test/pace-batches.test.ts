import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { paceBatches } from "@/lib/retention/pace-batches.ts";

// The retention purge's batches leave the database to the receivers between them: after each
// batch, a rest as long as the batch took (times restRatio), at most maxRestMs; none after the last.

async function timeline(pacing: { restRatio: number; maxRestMs: number }, batchMs: number, batches: number) {
  const spans: Array<[number, number]> = [];
  await paceBatches(pacing, async () => {
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, batchMs));
    spans.push([started, performance.now()]);
    return spans.length === batches;
  });
  return { spans, ended: performance.now() };
}

describe("paceBatches", () => {
  it("rests as long as each batch took, and not after the last", async () => {
    const { spans, ended } = await timeline({ restRatio: 1, maxRestMs: 1000 }, 60, 3);
    expect(spans).toHaveLength(3);
    for (let i = 1; i < spans.length; i++) {
      const batchMs = spans[i - 1][1] - spans[i - 1][0];
      expect(spans[i][0] - spans[i - 1][1]).toBeGreaterThanOrEqual(batchMs - 2);
    }
    expect(ended - spans[2][1]).toBeLessThan(40);
  });

  it("caps the rest, and a ratio of 0 runs the batches back to back", async () => {
    const capped = await timeline({ restRatio: 10, maxRestMs: 50 }, 40, 2);
    const gap = capped.spans[1][0] - capped.spans[0][1];
    expect(gap).toBeGreaterThanOrEqual(48);
    expect(gap).toBeLessThan(300);
    const unpaced = await timeline({ restRatio: 0, maxRestMs: 1000 }, 40, 2);
    expect(unpaced.spans[1][0] - unpaced.spans[0][1]).toBeLessThan(30);
  });
});
