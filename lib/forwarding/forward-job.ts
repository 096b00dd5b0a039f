// A forwarding job's name, payload and key, apart from the queue library so that the receiver's
// commit and the pages can enqueue without loading it.

export const FORWARD_TASK = "forward";

export interface ForwardJob {
  deliveryId: string;
  destinationId: string;
}

/** The job key makes a delivery's forward to one destination one waiting job at most. */
export function forwardJobKey(job: ForwardJob): string {
  return `forward:${job.deliveryId}:${job.destinationId}`;
}
