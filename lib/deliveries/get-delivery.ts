import { getPrisma } from "../db.ts";
import { deliverySummarySelect, toDeliverySummary } from "./list-deliveries.ts";

/** One delivery with what the inspector shows; never credentials' secrets. */
export async function getDelivery(id: string) {
  const row = await getPrisma().delivery.findUnique({
    where: { id },
    select: {
      ...deliverySummarySelect,
      contentType: true,
      bodySha256: true,
      signature: true,
      headers: true,
      durationMs: true,
      matchedCredentialId: true,
      signatureForm: true,
      payload: true,
      images: {
        orderBy: { position: "asc" },
        select: { origin: true, image: { select: { id: true, sha256: true, mimeType: true, width: true, height: true, byteSize: true } } },
      },
      quarantine: { select: { blob: { select: { byteSize: true } } } },
    },
  });
  if (!row) return null;
  const { quarantine, images, ...rest } = row;
  return {
    ...toDeliverySummary(rest),
    contentType: rest.contentType,
    bodySha256: rest.bodySha256,
    signature: rest.signature,
    headers: rest.headers,
    durationMs: rest.durationMs,
    matchedCredentialId: rest.matchedCredentialId,
    signatureForm: rest.signatureForm,
    payload: rest.payload,
    images: images.map(({ origin, image }) => ({ ...image, origin })),
    quarantinedBodyBytes: quarantine ? Number(quarantine.blob.byteSize) : null,
  };
}
