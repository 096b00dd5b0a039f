import { createHash } from "node:crypto";
import type { JobFacts } from "../deliveries/record-delivery.ts";
import { sniffImageType, type ImageMimeType } from "./image-type.ts";

// What the log shows of an Eden AI job result, and the images it carries inline. Current
// payloads: { job_id, status, provider, feature, subfeature, output }; older ones:
// { public_id, status, results: { <provider>: {...} } }. Images come as base64 strings (image
// generation, anonymization); URLs in a payload are never fetched.

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

export function describeJob(payload: unknown): Omit<JobFacts, "signatureForm" | "payload"> {
  const root = isObject(payload) ? payload : {};
  const results = isObject(root.results) ? Object.keys(root.results) : [];
  return {
    jobId: asText(root.job_id) ?? asText(root.public_id),
    jobStatus: asText(root.status),
    provider:
      asText(root.provider) ?? (Array.isArray(root.providers) ? root.providers.map(asText).filter(Boolean).join(", ") : null) ?? (results.join(", ") || null),
    feature: asText(root.feature),
    subfeature: asText(root.subfeature),
  };
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
      if (!image) return storable(value);
      const sha256 = createHash("sha256").update(image.bytes).digest("hex");
      images.push({ path, sha256, ...image });
      return `[${image.mimeType}, ${image.bytes.length} bytes, sha256 ${sha256.slice(0, 12)}…: stored as image ${images.length}]`;
    }
    if (Array.isArray(value)) return value.map((item, index) => visit(item, `${path}[${index}]`));
    if (isObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [storable(key), visit(item, `${path}.${key}`)]));
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

/**
 * PostgreSQL's jsonb cannot hold U+0000 nor a lone surrogate (`"\ud800"` is valid JSON, and
 * refused by jsonb): both become U+FFFD in what is shown; the raw body keeps the original bytes.
 */
function storable(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
  return wellFormed.includes("\u0000") ? wellFormed.replaceAll("\u0000", "\uFFFD") : wellFormed;
}

const MAX_SHOWN_TEXT = 256;

function asText(value: unknown): string | null {
  if (typeof value === "string") return storable(value.slice(0, MAX_SHOWN_TEXT)) || null;
  if (typeof value === "number") return String(value);
  return null;
}

/**
 * What makes two job results one job: the whole `job_id` (or `public_id`), not the first 256
 * characters the log shows. A short id keeps its old key (`job:<id>`), so retries of jobs
 * received before this rule still match; a longer one is keyed by its SHA-256.
 */
export function jobDedupeKey(payload: unknown): string | null {
  const root = isObject(payload) ? payload : {};
  const id = [root.job_id, root.public_id].find((value) => (typeof value === "string" && value !== "") || typeof value === "number");
  if (id === undefined) return null;
  const text = String(id);
  if (text.length <= MAX_SHOWN_TEXT && text.isWellFormed() && !text.includes("\u0000")) return `job:${text}`;
  return `job-sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
