import type { Spool } from "../ingest/spool.ts";
import type { CredentialRef } from "../schemes/scheme.ts";
import type { HandedOffForward } from "../forwarding/enqueue-forwards.ts";

// What a delivery is, as the receiver, re-verification and the storing step pass it around.
// Types only, importing nothing that imports back (spool.ts and scheme.ts are leaves), so any
// layer may use them without a cycle.

export type DeliveryStatus = "verified" | "failed" | "rejected";

export interface DeliveryFacts {
  id: string;
  sourceId: string;
  receivedAt: Date;
  status: DeliveryStatus;
  httpStatus: number;
  reason: string | null;
  metadata: string | null;
  fileName: string | null;
  contentType: string | null;
  bodySha256: string | null;
  bodySize: number | null;
  signature: string | null;
  headers: Record<string, string>;
  matchedCredential: CredentialRef | null;
  durationMs: number;
  /** JSON deliveries (Eden AI) only. */
  job?: JobFacts;
}

export interface JobFacts {
  jobId: string | null;
  jobStatus: string | null;
  provider: string | null;
  feature: string | null;
  subfeature: string | null;
  signatureForm: string | null;
  payload: unknown;
}

export interface IncomingImage {
  spool: Spool;
  sha256: string;
  mimeType: string;
  width: number;
  height: number;
  /** The multipart field, or the JSON path in the payload, it came from. */
  origin: string;
}

export interface VerifiedContent {
  images: IncomingImage[];
  /** The raw body, kept as received (JSON deliveries, whose bytes are the record). */
  rawBody?: Spool;
}

export type CommitResult =
  | {
      isDuplicate: false;
      deliveryId: string;
      newImages: Array<{ id: string; image: IncomingImage }>;
      /** Its forwards for the receiver to send once the batch commits (lib/forwarding/hand-off.ts). */
      handedOff?: HandedOffForward[];
    }
  | { isDuplicate: true; deliveryId: string };
