import { performance } from "node:perf_hooks";

// A purge shares the database with receivers that answer each sender only after their commit.
// Measured beside c4 receivers at 1,000,000 deliveries (bench/dashboard-scale.ts): what held
// them up was not a lock but the purge's write-ahead log. Each purged delivery is an update
// that no HOT path can take (its image_id is indexed), so it writes a new entry into every one
// of the deliveries indexes, most of them on random pages (full-page images after each
// checkpoint); a receiver's COMMIT then waits for that WAL to be flushed before its own. Run
// back to back, batches kept the log busy all the time. So each batch is followed by a rest as
// long as the batch took (the purge keeps at most half the time), capped so a long purge still
// makes steady progress; retention is in days, and a purge that takes twice as long costs
// nothing anyone waits for.

export interface Pacing {
  /** Rest after a batch, as a share of the batch's own time (1: as long as it took; 0: none). */
  restRatio: number;
  /** Longest rest, in milliseconds. */
  maxRestMs: number;
}

export const DEFAULT_PACING: Pacing = { restRatio: 1, maxRestMs: 1000 };

/** Runs `batch` until it says it is done, resting after each run as `pacing` says. */
export async function paceBatches(pacing: Pacing, batch: () => Promise<boolean>): Promise<void> {
  for (;;) {
    const started = performance.now();
    const isDone = await batch();
    if (isDone) return;
    const restMs = Math.min(pacing.maxRestMs, (performance.now() - started) * pacing.restRatio);
    if (restMs > 0) await new Promise((resolve) => setTimeout(resolve, restMs));
  }
}
