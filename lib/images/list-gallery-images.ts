import { getPrisma } from "../db.ts";

// The gallery: every image of every verified delivery, newest delivery first. Images of failed
// or rejected deliveries are never listed (and are not stored as images at all).

export async function listGalleryImages(options: { limit: number }) {
  const rows = await getPrisma().deliveryImage.findMany({
    where: { delivery: { status: "verified" } },
    orderBy: [{ delivery: { receivedAt: "desc" } }, { deliveryId: "desc" }, { position: "asc" }],
    take: options.limit,
    select: {
      position: true,
      origin: true,
      image: { select: { id: true, sha256: true, mimeType: true, width: true, height: true, byteSize: true } },
      delivery: { select: { id: true, receivedAt: true, metadata: true, jobId: true, feature: true, source: { select: { slug: true } } } },
    },
  });
  return rows.map(({ position, origin, image, delivery }) => ({
    key: `${delivery.id}/${position}`,
    deliveryId: delivery.id,
    receivedAt: delivery.receivedAt,
    caption: delivery.metadata ?? (delivery.jobId ? `${delivery.feature ?? "job"} ${delivery.jobId}` : null),
    source: delivery.source.slug,
    origin,
    image,
  }));
}

export type GalleryImage = Awaited<ReturnType<typeof listGalleryImages>>[number];
