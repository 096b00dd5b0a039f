import { z } from "zod";
import { getPool } from "../db.ts";
import { HttpError } from "../http/errors.ts";
import { readBlob } from "../storage/blobs.ts";
import { getOrMakeThumbnail } from "./thumbnails.ts";

// Images are immutable (content-addressed), so they are served with their SHA-256 as ETag and
// may be cached for a year; `private` because only signed-in operators may see them.

const CACHE_CONTROL = "private, max-age=31536000, immutable";

interface ImageRow {
  id: string;
  sha256: string;
  mime_type: string;
  byte_size: number;
  blob_id: string;
}

export async function serveImage(request: Request, rawId: string): Promise<Response> {
  const image = await findImage(rawId);
  const etag = `"${image.sha256}"`;
  if (isFresh(request, etag)) return new Response(null, { status: 304, headers: { etag, "cache-control": CACHE_CONTROL } });
  const chunks = readBlob(getPool(), image.blob_id);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": image.mime_type,
      "content-length": String(image.byte_size),
      etag,
      "cache-control": CACHE_CONTROL,
      "x-content-type-options": "nosniff",
      "content-disposition": `inline; filename="${image.sha256.slice(0, 16)}.${image.mime_type === "image/png" ? "png" : "jpg"}"`,
    },
  });
}

export async function serveThumbnail(request: Request, rawId: string): Promise<Response> {
  const image = await findImage(rawId);
  const etag = `"${image.sha256}-thumb"`;
  if (isFresh(request, etag)) return new Response(null, { status: 304, headers: { etag, "cache-control": CACHE_CONTROL } });
  const thumbnail = await getOrMakeThumbnail(getPool(), image.id);
  if (!thumbnail) throw new HttpError(404, "no such image");
  return new Response(new Uint8Array(thumbnail.data), {
    headers: { "content-type": thumbnail.mimeType, etag, "cache-control": CACHE_CONTROL, "x-content-type-options": "nosniff" },
  });
}

async function findImage(rawId: string): Promise<ImageRow> {
  const id = z.uuid().safeParse(rawId);
  if (!id.success) throw new HttpError(404, "no such image");
  const { rows } = await getPool().query<ImageRow>("SELECT id, sha256, mime_type, byte_size, blob_id FROM images WHERE id = $1", [id.data]);
  if (!rows[0]) throw new HttpError(404, "no such image");
  return rows[0];
}

function isFresh(request: Request, etag: string): boolean {
  const ifNoneMatch = request.headers.get("if-none-match");
  return ifNoneMatch !== null && ifNoneMatch.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*");
}
