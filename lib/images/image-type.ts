// Decides an image's type by its bytes, never by the name or Content-Type the sender gave.

export type ImageMimeType = "image/jpeg" | "image/png";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function sniffImageType(firstBytes: Buffer): ImageMimeType | null {
  if (firstBytes.length >= 3 && firstBytes[0] === 0xff && firstBytes[1] === 0xd8 && firstBytes[2] === 0xff) return "image/jpeg";
  if (firstBytes.subarray(0, 8).equals(PNG_SIGNATURE)) return "image/png";
  return null;
}
