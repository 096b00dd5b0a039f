import type { Metadata } from "next";
import { GalleryGrid } from "@/components/gallery-grid.tsx";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { listGalleryImages } from "@/lib/images/list-gallery-images.ts";

export const metadata: Metadata = { title: "Gallery" };
export const dynamic = "force-dynamic";

export default async function GalleryPage() {
  await requirePageOperator("/gallery");
  // Only verified deliveries: an image whose signature failed is never shown here as trusted.
  const items = await listGalleryImages({ limit: 60 });
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Verified images, newest first</h1>
      <GalleryGrid items={items} />
    </>
  );
}
