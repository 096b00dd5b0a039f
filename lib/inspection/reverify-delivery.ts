import path from "node:path";
import { recordAudit } from "../audit/record-audit.ts";
import { getConfig } from "../config.ts";
import { getPrisma } from "../db.ts";
import { findReceivingSource } from "../sources/find-receiving-source.ts";
import { scheduleRenditions } from "../images/renditions.ts";
import type { CredentialRef } from "../schemes/scheme.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { getStorage } from "../storage/configured-store.ts";
import { readBlobBuffer } from "../storage/read-blob.ts";
import { checkStoredBody } from "../ingest/check-stored-body.ts";
import { DeliveryNotFoundError } from "./errors.ts";
import { promoteDelivery } from "./promote-delivery.ts";

// Re-verify: check a failed or rejected delivery's quarantined body again, against the
// source's credentials as they are now (say, after adding the secret the sender really uses).
// A match makes it a verified delivery exactly as if it had verified on arrival; anything else
// changes nothing. Every attempt is in the audit log, with its outcome.

export type ReverifyResult =
  | { outcome: "verified"; credential: CredentialRef; form: string | null; imageCount: number }
  /** The same body (MaskIt) or job (Eden AI) was verified before, as another delivery. */
  | { outcome: "duplicate"; credential: CredentialRef; duplicateOf: string }
  | { outcome: "no_match"; reason: string }
  /** The signature may be fine, but the receiver would refuse the body for another reason. */
  | { outcome: "still_refused"; reason: string; credential: CredentialRef | null }
  /** Verified already, or there is no quarantined body to check. */
  | { outcome: "nothing_to_verify"; reason: string };

export interface ReverifyOptions extends ChangedBy {
  deliveryId: string;
}

export async function reverifyDelivery(options: ReverifyOptions): Promise<ReverifyResult> {
  const storage = await getStorage();
  const { pool } = storage;
  const delivery = await getPrisma().delivery.findUnique({
    where: { id: options.deliveryId },
    select: {
      id: true,
      status: true,
      headers: true,
      receivedAt: true,
      purgedAt: true,
      source: { select: { id: true, slug: true } },
      quarantine: { select: { blob: { select: { sha256: true } } } },
    },
  });
  if (!delivery) throw new DeliveryNotFoundError();
  if (delivery.status === "verified") return { outcome: "nothing_to_verify", reason: "This delivery is already verified." };
  if (!delivery.quarantine) {
    const why = delivery.purgedAt ? "retention or the quarantine quota removed it" : "it was refused before its body was read";
    return { outcome: "nothing_to_verify", reason: `This delivery has no quarantined body to check: ${why}.` };
  }
  const source = await findReceivingSource(pool, delivery.source.slug);
  if (!source) throw new DeliveryNotFoundError();

  const rawBody = await readBlobBuffer(storage.blobs.store, delivery.quarantine.blob.sha256);
  const check = await checkStoredBody({
    source,
    rawBody,
    headers: toHeaders(delivery.headers),
    spoolDir: path.join(getConfig().dataDir, "tmp"),
    receivedAt: delivery.receivedAt,
  });
  const audit = (detail: Record<string, string | number | null>) => ({
    actor: options.actor,
    ip: options.ip,
    action: "delivery.reverify",
    target: { type: "delivery", id: delivery.id, name: delivery.source.slug },
    detail: { source: delivery.source.slug, ...detail },
  });
  if (!check.isAccepted) {
    await recordAudit(getPrisma(), audit({ outcome: check.outcome, reason: check.reason.slice(0, 500), ...credentialDetail(check.credential) }));
    return check.outcome === "no_match"
      ? { outcome: "no_match", reason: check.reason }
      : { outcome: "still_refused", reason: check.reason, credential: check.credential };
  }

  // The spools are needed until the thumbnails have their bytes; then they go, whatever happened.
  try {
    const promoted = await promoteDelivery(storage, {
      deliveryId: delivery.id,
      sourceId: delivery.source.id,
      credential: check.credential,
      images: check.images,
      job: check.job,
      dedupeKey: check.dedupeKey,
      keepsRawBody: check.keepsRawBody,
      audit: audit({ outcome: "verified", ...credentialDetail(check.credential), form: check.form, images: check.images.length }),
    });
    if (promoted.outcome === "gone") return { outcome: "nothing_to_verify", reason: "Someone else re-verified or deleted this delivery a moment ago." };
    if (promoted.outcome === "duplicate") {
      await recordAudit(getPrisma(), audit({ outcome: "duplicate", duplicateOf: promoted.duplicateOf, ...credentialDetail(check.credential) }));
      return { outcome: "duplicate", credential: check.credential, duplicateOf: promoted.duplicateOf };
    }
    // Renditions are made after the commit, as for a delivery verified on arrival.
    for (const { id, image } of promoted.newImages) {
      scheduleRenditions(storage, { id, width: image.width, height: image.height, byteSize: image.spool.size }, await image.spool.toBuffer());
    }
    return { outcome: "verified", credential: check.credential, form: check.form, imageCount: check.images.length };
  } finally {
    await check.dispose();
  }
}

function credentialDetail(credential: CredentialRef | null): Record<string, string | null> {
  return credential ? { label: credential.label, fingerprint: credential.fingerprint } : {};
}

/** The stored headers, as the receiver saw them (credentials were redacted, signatures were not). */
function toHeaders(stored: unknown): Headers {
  const headers = new Headers();
  if (typeof stored !== "object" || stored === null) return headers;
  for (const [name, value] of Object.entries(stored)) {
    if (typeof value !== "string") continue;
    try {
      headers.set(name, value);
    } catch {
      // A value Headers will not hold was not one the receiver could have read either.
    }
  }
  return headers;
}
