import sharp from "sharp";

// Smaller versions of a stored image, made with sharp, EXIF orientation applied:
// - `thumbnail`: gallery tiles, WebP at most 320x320; a 1920x1080 photo comes out around 10 KB
//   (the contract is at most 20 KB);
// - `display`: the lightbox, WebP at most 2048 px on the long side, so a 20 MB original no
//   longer takes seconds to open. Only made for images larger than that (see needsDisplayRendition).

// Renditions are made one at a time in the background, each from a freshly decoded original:
// libvips' operation cache (50 MB by default) and a decoding thread per core only hold memory
// there, and they counted against the receiver's RSS during large uploads (bench/ingest.ts).
sharp.cache(false);
sharp.concurrency(1);

export type RenditionKind = "thumbnail" | "display";
export const RENDITION_MIME_TYPE = "image/webp";

const SHAPES: Record<RenditionKind, { box: number; quality: number }> = {
  thumbnail: { box: 320, quality: 60 },
  display: { box: 2048, quality: 80 },
};

/** An original this small is shown as it is in the lightbox. */
const DISPLAY_AS_IS_BYTES = 2 * 1024 * 1024;

export interface MadeRendition {
  data: Buffer;
  width: number;
  height: number;
  mimeType: string;
}

/**
 * Past this many pixels no rendition is attempted: decoding a 30000x30000 PNG would need
 * gigabytes (sharp refuses past 268 MP anyway), and failing on every view helps no one. Such
 * an image gets a placeholder, stored like any rendition, so it is made once.
 */
export const MAX_RENDITION_PIXELS = 40_000_000;
const PLACEHOLDER_SIZE = 64;

export async function makeRendition(kind: RenditionKind, input: Buffer | string, size: { width: number; height: number }): Promise<MadeRendition> {
  const { box, quality } = SHAPES[kind];
  if (size.width * size.height > MAX_RENDITION_PIXELS) return makePlaceholder();
  const { data, info } = await sharp(input, { failOn: "none" })
    .rotate()
    .resize({ width: box, height: box, fit: "inside", withoutEnlargement: true })
    .webp({ quality, effort: 2 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, mimeType: RENDITION_MIME_TYPE };
}

export function needsDisplayRendition(image: { width: number; height: number; byteSize: number }): boolean {
  return Math.max(image.width, image.height) > SHAPES.display.box || image.byteSize > DISPLAY_AS_IS_BYTES;
}

/** A plain grey square: what the gallery shows for an image too large to scale here. */
async function makePlaceholder(): Promise<MadeRendition> {
  const { data, info } = await sharp({ create: { width: PLACEHOLDER_SIZE, height: PLACEHOLDER_SIZE, channels: 3, background: { r: 203, g: 213, b: 225 } } })
    .webp({ quality: 60 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, mimeType: RENDITION_MIME_TYPE };
}
