import sharp from "sharp";

// Gallery thumbnails: WebP, at most 320x320, EXIF orientation applied. A 1920x1080 photo comes
// out around 10 KB (the contract is at most 20 KB).

export const THUMBNAIL_MIME_TYPE = "image/webp";
const THUMBNAIL_BOX = 320;

export interface Thumbnail {
  data: Buffer;
  width: number;
  height: number;
  mimeType: string;
}

export async function makeThumbnail(input: Buffer | string): Promise<Thumbnail> {
  const { data, info } = await sharp(input, { failOn: "none" })
    .rotate()
    .resize({ width: THUMBNAIL_BOX, height: THUMBNAIL_BOX, fit: "inside", withoutEnlargement: true })
    .webp({ quality: 60, effort: 2 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, mimeType: THUMBNAIL_MIME_TYPE };
}
