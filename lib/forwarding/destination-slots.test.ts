import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { DestinationSlots } from "./destination-slots.ts";

describe("DestinationSlots", () => {
  it("grants up to the limit at once, then hands freed slots to waiters first come, first served", async () => {
    const slots = new DestinationSlots(2, 1000);
    const first = (await slots.acquire("a"))!;
    const second = (await slots.acquire("a"))!;
    const order: string[] = [];
    const granted = (name: string) => (release: unknown) => {
      order.push(name);
      return release;
    };
    const third = slots.acquire("a").then(granted("third"));
    const fourth = slots.acquire("a").then(granted("fourth"));
    expect(slots.stateOf("a")).toMatchObject({ running: 2, waiting: 2 });
    first();
    first(); // a second release frees nothing more
    expect(await third).toBeTypeOf("function");
    second();
    expect(await fourth).toBeTypeOf("function");
    expect(order).toEqual(["third", "fourth"]);
    expect(slots.stateOf("a")).toMatchObject({ running: 2, waiting: 0 });
  });

  it("keeps destinations apart: a full one does not hold another", async () => {
    const slots = new DestinationSlots(1, 1000);
    await slots.acquire("slow");
    expect(await slots.acquire("other")).toBeTypeOf("function");
  });

  it("gives up after the longest wait", async () => {
    const slots = new DestinationSlots(1, 50);
    await slots.acquire("a");
    const started = Date.now();
    expect(await slots.acquire("a")).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(slots.stateOf("a").waiting).toBe(0);
  });

  it("does not wait for a destination whose attempts take longer than the longest wait", async () => {
    const slots = new DestinationSlots(1, 50);
    const release = (await slots.acquire("slow"))!;
    await sleep(60); // the attempt in flight has run longer than a waiter would wait
    const started = Date.now();
    expect(await slots.acquire("slow")).toBeNull();
    expect(Date.now() - started).toBeLessThan(20);
    release();
    // Its average (60 ms) still says slow while it is full again.
    await slots.acquire("slow");
    expect(await slots.acquire("slow")).toBeNull();
  });

  it("lets as many wait as the destination's pace clears within the longest wait", async () => {
    const slots = new DestinationSlots(2, 100);
    for (let round = 0; round < 3; round++) {
      const release = (await slots.acquire("a"))!;
      await sleep(30);
      release();
    }
    await slots.acquire("a");
    await slots.acquire("a");
    // About 30 ms an attempt (more on a loaded machine: the pace is what the rounds took), 2 at
    // a time: the n-th waiter would wait about n × 15 ms, so 6 fit within 100 ms at 30 ms each.
    const { averageMs } = slots.stateOf("a");
    expect(averageMs).toBeGreaterThanOrEqual(29);
    const fitting = Math.ceil((100 * 2) / averageMs) - 1;
    const waiting = Array.from({ length: 8 }, () => slots.acquire("a"));
    // One fewer when the attempts in flight have already run longer than the average.
    expect(slots.stateOf("a").waiting).toBeGreaterThanOrEqual(fitting - 1);
    expect(slots.stateOf("a").waiting).toBeLessThanOrEqual(fitting);
    await Promise.all(waiting);
  });
});
