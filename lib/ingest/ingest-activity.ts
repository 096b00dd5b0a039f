// How many webhook requests this process is handling right now. Work that need not happen
// before a sender's 200 (thumbnails) waits until the receiver has been quiet for a moment, so
// that under load the two cores go to receiving and committing. "Idle" alone is not enough:
// group commit answers a whole batch at once, and the receiver is idle for the instant before
// those senders' next deliveries arrive. Kept on globalThis: Next may load this module in
// more than one server chunk, and they must share one count.

interface Activity {
  inFlight: number;
  waiters: Array<() => void>;
  /** performance.now() when the last request ended. */
  lastEndedAt: number;
}

const QUIET_MS = 100;

const globalForActivity = globalThis as typeof globalThis & { webhookInboxIngestActivity?: Activity };
const activity = (globalForActivity.webhookInboxIngestActivity ??= { inFlight: 0, waiters: [], lastEndedAt: 0 });

/** Runs one webhook request, counted as ingest activity while it lasts. */
export async function whileReceiving<T>(work: () => Promise<T>): Promise<T> {
  activity.inFlight++;
  try {
    return await work();
  } finally {
    activity.inFlight--;
    activity.lastEndedAt = performance.now();
    if (activity.inFlight === 0) for (const wake of activity.waiters.splice(0)) wake();
  }
}

/** Resolves at once when no webhook request is in flight, else when the last one ends. */
function untilReceiverIdle(): Promise<void> {
  if (activity.inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => activity.waiters.push(resolve));
}

/** Resolves once no webhook request has been in flight for QUIET_MS. */
export async function untilReceiverQuiet(): Promise<void> {
  for (;;) {
    await untilReceiverIdle();
    const quietFor = performance.now() - activity.lastEndedAt;
    if (activity.inFlight === 0 && quietFor >= QUIET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS - quietFor));
  }
}
