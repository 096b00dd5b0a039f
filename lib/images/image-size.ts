import { imageSize } from "image-size";
import sharp from "sharp";
import type { Spool } from "../ingest/spool.ts";

// Width and height from the image header. The image-size package reads them from the first
// bytes in microseconds on the receiving thread; sharp's metadata() costs a trip through its
// thread pool (~5% of the receiver's CPU in the ingest benchmark) and is kept for the rare
// header that does not fit in HEADER_BYTES or that image-size does not understand.

const HEADER_BYTES = 256 * 1024;
/** Most headers end in the first few KB: tried first, so that a small image is not copied whole to be measured. */
const SHORT_HEADER_BYTES = 16 * 1024;

/** Width and height from the image header, or null if unreadable. */
export async function readImageSize(spool: Spool): Promise<{ width: number; height: number } | null> {
  for (const length of spool.size > SHORT_HEADER_BYTES ? [SHORT_HEADER_BYTES, HEADER_BYTES] : [HEADER_BYTES]) {
    try {
      const { width, height } = imageSize(await spool.leadingBytes(length));
      if (width && height) return { width, height };
    } catch {
      // a longer header, or on to sharp
    }
  }
  try {
    const { width, height } = await sharp(spool.filePath() ?? (await spool.toBuffer())).metadata();
    return width && height ? { width, height } : null;
  } catch {
    return null;
  }
}
