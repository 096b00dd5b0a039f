import { performance } from "node:perf_hooks";

// The per-destination limit on attempts in flight in this instance, with a short FIFO wait for
// a free slot. Putting a job back in the queue when its destination is full costs a poll
// interval before it is found again (the bulk of the forwarding lag under load), so a job waits
// here instead, but only while that wait is expected to be short: a waiting job holds one of the
// queue's workers, and a slow destination must not hold the workers of the others. So a job
// waits only when the destination's recent attempts, and the oldest one still running, suggest
// a slot frees within `maxWaitMs`; each wait is cut off at `maxWaitMs` anyway, and the caller
// then puts the job back as before. A slow destination therefore holds `limit` workers, as
// without waiting, and every other worker stays free for the other destinations.

export type Release = () => void;

interface Destination {
  /** When each attempt in flight started. */
  running: Map<number, number>;
  waiters: Array<(release: Release | null) => void>;
  averageMs: number;
}

/** Weight of the latest attempt in the running average of attempt durations. */
const AVERAGE_WEIGHT = 0.2;

export class DestinationSlots {
  // One entry per destination this instance has sent to: a few numbers each.
  private readonly destinations = new Map<string, Destination>();
  private serial = 0;

  constructor(
    private readonly limit: number,
    private readonly maxWaitMs: number,
  ) {}

  /** A slot (call the release when the attempt ends), or null: the destination is full and no slot is expected soon. */
  acquire(destinationId: string): Promise<Release | null> {
    const destination = this.destinationOf(destinationId);
    if (destination.running.size < this.limit && destination.waiters.length === 0) return Promise.resolve(this.take(destination));
    if (!this.isWorthWaiting(destination)) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = (release: Release | null) => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        destination.waiters.splice(destination.waiters.indexOf(waiter), 1);
        resolve(null);
      }, this.maxWaitMs);
      destination.waiters.push(waiter);
    });
  }

  /** Attempts in flight, jobs waiting and the running average of attempt durations, for tests. */
  stateOf(destinationId: string): { running: number; waiting: number; averageMs: number } {
    const destination = this.destinations.get(destinationId);
    return { running: destination?.running.size ?? 0, waiting: destination?.waiters.length ?? 0, averageMs: destination?.averageMs ?? 0 };
  }

  private take(destination: Destination): Release {
    const id = this.serial++;
    const startedAt = performance.now();
    destination.running.set(id, startedAt);
    return () => {
      if (!destination.running.delete(id)) return; // released already
      const tookMs = performance.now() - startedAt;
      destination.averageMs = destination.averageMs === 0 ? tookMs : destination.averageMs + AVERAGE_WEIGHT * (tookMs - destination.averageMs);
      destination.waiters.shift()?.(this.take(destination)); // first come, first served
    };
  }

  /** The next waiter gets a slot after about (waiters ahead + 1) attempts end, `limit` at a time. */
  private isWorthWaiting(destination: Destination): boolean {
    const now = performance.now();
    let oldestMs = 0;
    for (const startedAt of destination.running.values()) oldestMs = Math.max(oldestMs, now - startedAt);
    const perAttemptMs = Math.max(destination.averageMs, oldestMs);
    return ((destination.waiters.length + 1) * perAttemptMs) / this.limit < this.maxWaitMs;
  }

  private destinationOf(destinationId: string): Destination {
    let destination = this.destinations.get(destinationId);
    if (!destination) {
      destination = { running: new Map(), waiters: [], averageMs: 0 };
      this.destinations.set(destinationId, destination);
    }
    return destination;
  }
}
