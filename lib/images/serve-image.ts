import { Readable } from "node:stream";
import { z } from "zod";
import { HttpError } from "../http/errors.ts";
import { getStorage } from "../storage/configured-store.ts";
import { openCheckedBlob } from "../storage/read-blob.ts";
import { contentDisposition } from "./content-disposition.ts";
import { parseRange } from "./parse-range.ts";
import { needsDisplayRendition, type RenditionKind } from "./make-rendition.ts";
import { getOrMakeRendition } from "./renditions.ts";

// Images are immutable (content-addressed), so they are served with their SHA-256 as ETag and
// may be cached for a year; `private` because only signed-in operators may see them. The
// original streams from the blob store, checked against its SHA-256 first, with Range
// requests answered 206; `?download=1` names it as the sender did.

const CACHE_CONTROL = "private, max-age=31536000, immutable";

interface ImageRow {
  id: string;
  sha256: string;
  mime_type: string;
  byte_size: number;
  width: number;
  height: number;
}

export async function serveImage(request: Request, rawId: string): Promise<Response> {
  const storage = await getStorage();
  const image = await findImage(rawId);
  const etag = `"${image.sha256}"`;
  const common = { etag, "cache-control": CACHE_CONTROL, "accept-ranges": "bytes", "x-content-type-options": "nosniff" };
  if (isFresh(request, etag)) return new Response(null, { status: 304, headers: common });
  const range = parseRange(request.headers.get("range"), image.byte_size, request.headers.get("if-range"), etag);
  if (range === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { ...common, "content-range": `bytes */${image.byte_size}` } });
  }
  const content = await openCheckedBlob(storage.blobs.store, image.sha256, image.byte_size, range ?? undefined);
  const body = content.kind === "buffer" ? new Uint8Array(content.bytes) : (Readable.toWeb(content.stream) as ReadableStream<Uint8Array>);
  const isDownload = new URL(request.url).searchParams.get("download") === "1";
  const headers = {
    ...common,
    "content-type": image.mime_type,
    "content-disposition": contentDisposition(isDownload ? "attachment" : "inline", await senderFileName(image), image),
  };
  if (!range) return new Response(body, { headers: { ...headers, "content-length": String(image.byte_size) } });
  return new Response(body, {
    status: 206,
    headers: { ...headers, "content-length": String(range.end - range.start + 1), "content-range": `bytes ${range.start}-${range.end}/${image.byte_size}` },
  });
}

export const serveThumbnail = (request: Request, rawId: string) => serveRendition(request, rawId, "thumbnail");

/** The lightbox's image: the display rendition, or the original when it is small enough as it is. */
export async function serveDisplayImage(request: Request, rawId: string): Promise<Response> {
  const image = await findImage(rawId);
  if (!needsDisplayRendition({ width: image.width, height: image.height, byteSize: image.byte_size })) return serveImage(request, rawId);
  return serveRendition(request, rawId, "display");
}

async function serveRendition(request: Request, rawId: string, kind: RenditionKind): Promise<Response> {
  const image = await findImage(rawId);
  const etag = `"${image.sha256}-${kind === "thumbnail" ? "thumb" : kind}"`;
  if (isFresh(request, etag)) return new Response(null, { status: 304, headers: { etag, "cache-control": CACHE_CONTROL } });
  const rendition = await getOrMakeRendition(await getStorage(), image.id, kind);
  if (!rendition) throw new HttpError(404, "no such image");
  return new Response(new Uint8Array(rendition.data), {
    headers: { "content-type": rendition.mimeType, etag, "cache-control": CACHE_CONTROL, "x-content-type-options": "nosniff" },
  });
}

async function findImage(rawId: string): Promise<ImageRow> {
  const id = z.uuid().safeParse(rawId);
  if (!id.success) throw new HttpError(404, "no such image");
  const { pool } = await getStorage();
  const { rows } = await pool.query<ImageRow>("SELECT id, sha256, mime_type, byte_size, width, height FROM images WHERE id = $1", [id.data]);
  if (!rows[0]) throw new HttpError(404, "no such image");
  return rows[0];
}

/** The file name the first sender gave this image, if any (MaskIt's part filename). */
async function senderFileName(image: ImageRow): Promise<string | null> {
  const { pool } = await getStorage();
  const { rows } = await pool.query<{ file_name: string }>(
    "SELECT d.file_name FROM delivery_images di JOIN deliveries d ON d.id = di.delivery_id WHERE di.image_id = $1 AND d.file_name IS NOT NULL ORDER BY d.received_at LIMIT 1",
    [image.id],
  );
  return rows[0]?.file_name ?? null;
}

function isFresh(request: Request, etag: string): boolean {
  const ifNoneMatch = request.headers.get("if-none-match");
  return ifNoneMatch?.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*") ?? false;
}
