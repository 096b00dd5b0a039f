// How many webhook requests this process is handling right now. Work that need not happen
// before a sender's 200 (thumbnails) waits until the receiver is idle, so that under load the
// two cores go to receiving and committing. Kept on globalThis: Next may load this module in
// more than one server chunk, and they must share one count.

interface Activity {
  inFlight: number;
  waiters: Array<() => void>;
}

const globalForActivity = globalThis as typeof globalThis & { webhookInboxIngestActivity?: Activity };
const activity = (globalForActivity.webhookInboxIngestActivity ??= { inFlight: 0, waiters: [] });

/** Runs one webhook request, counted as ingest activity while it lasts. */
export async function whileReceiving<T>(work: () => Promise<T>): Promise<T> {
  activity.inFlight++;
  try {
    return await work();
  } finally {
    activity.inFlight--;
    if (activity.inFlight === 0) for (const wake of activity.waiters.splice(0)) wake();
  }
}

/** Resolves at once when no webhook request is in flight, else when the last one ends. */
export function untilReceiverIdle(): Promise<void> {
  if (activity.inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => activity.waiters.push(resolve));
}
