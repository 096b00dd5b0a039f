import { requireApiOperator } from "@/lib/auth/require-operator.ts";
import { galleryQuery } from "@/lib/gallery/gallery-query.ts";
import { listGalleryImages } from "@/lib/gallery/list-gallery-images.ts";
import { jsonResponse, withErrors } from "@/lib/http/errors.ts";

// GET /api/gallery?source=&q=&from=&to=&cursor=&limit=: one tile per distinct image of the
// matching verified deliveries, newest first, in keyset pages (`delivery=<id>`: only the tiles
// that delivery puts on top, for a live page).

export const dynamic = "force-dynamic";

export const GET = withErrors(async (request: Request) => {
  await requireApiOperator(request);
  const query = galleryQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return jsonResponse(200, await listGalleryImages(query));
});
