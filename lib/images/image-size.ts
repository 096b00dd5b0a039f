import sharp from "sharp";
import type { Spool } from "../ingest/spool.ts";

/** Width and height from the image header (sharp reads no pixels for this), or null if unreadable. */
export async function readImageSize(spool: Spool): Promise<{ width: number; height: number } | null> {
  try {
    const input = spool.filePath() ?? (await spool.toBuffer());
    const { width, height } = await sharp(input).metadata();
    return width && height ? { width, height } : null;
  } catch {
    return null;
  }
}
