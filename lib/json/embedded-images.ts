import { createHash } from "node:crypto";
import { sniffImageType, type ImageMimeType } from "../images/image-type.ts";
import { storableText } from "./storable-text.ts";

// The images a JSON body carries inline, for any kind (first Eden AI's rule): base64 strings
// (or data: URIs) whose bytes are a JPEG or PNG. URLs in a payload are never fetched.

const MAX_IMAGES = 20;
const MIN_BASE64_LENGTH = 64;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const DATA_URI = /^data:image\/[a-z+.-]+;base64,/i;

export interface EmbeddedImage {
  /** JSON path of the string, e.g. `$.output.items[0].image`. */
  path: string;
  bytes: Buffer;
  mimeType: ImageMimeType;
  sha256: string;
}

/**
 * Finds base64 JPEG and PNG images anywhere in the payload, and returns the payload for display
 * with each one replaced by a short reference (the bytes are stored once, as images).
 */
export function extractEmbeddedImages(payload: unknown): { images: EmbeddedImage[]; displayPayload: unknown } {
  const images: EmbeddedImage[] = [];
  const visit = (value: unknown, path: string): unknown => {
    if (typeof value === "string") {
      const image = images.length < MAX_IMAGES ? decodeImage(value) : null;
      if (!image) return storableText(value);
      const sha256 = createHash("sha256").update(image.bytes).digest("hex");
      images.push({ path, sha256, ...image });
      return `[${image.mimeType}, ${image.bytes.length} bytes, sha256 ${sha256.slice(0, 12)}…: stored as image ${images.length}]`;
    }
    if (Array.isArray(value)) return value.map((item, index) => visit(item, `${path}[${index}]`));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), visit(item, `${path}.${key}`)]));
    }
    return value;
  };
  const displayPayload = visit(payload, "$");
  return { images, displayPayload };
}

function decodeImage(text: string): { bytes: Buffer; mimeType: ImageMimeType } | null {
  if (text.length < MIN_BASE64_LENGTH) return null;
  const encoded = text.replace(DATA_URI, "");
  // Peek at the first bytes before decoding the whole string: most long strings are not images.
  const head = Buffer.from(encoded.slice(0, 16), "base64");
  if (!sniffImageType(head) || !BASE64.test(encoded)) return null;
  const bytes = Buffer.from(encoded, "base64");
  const mimeType = sniffImageType(bytes);
  return mimeType ? { bytes, mimeType } : null;
}
