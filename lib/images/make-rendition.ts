import sharp from "sharp";

// Smaller versions of a stored image, made with sharp, EXIF orientation applied:
// - `thumbnail`: gallery tiles, WebP at most 320x320; a 1920x1080 photo comes out around 10 KB
//   (the contract is at most 20 KB);
// - `display`: the lightbox, WebP at most 2048 px on the long side, so a 20 MB original no
//   longer takes seconds to open. Only made for images larger than that (see needsDisplayRendition).

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

export async function makeRendition(kind: RenditionKind, input: Buffer | string): Promise<MadeRendition> {
  const { box, quality } = SHAPES[kind];
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
