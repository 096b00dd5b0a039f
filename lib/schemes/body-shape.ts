import type { Scheme } from "./scheme.ts";

// Which way a body goes, by its shape rather than its kind: the scheme's body rule when it has
// one (lib/schemes/scheme.ts BodyRules), else the Content-Type the sender declared. The
// receiver reads and stores by it; the inspector diagnoses a JSON body in the worker by it.

export type BodyShape = "multipart" | "json" | "other";

/** Which reader and which path a body takes: the scheme's rule, else its Content-Type. */
export function bodyShape(scheme: Scheme, contentType: string | null): BodyShape {
  if (scheme.body) return scheme.body.shape;
  if (isMultipart(contentType)) return "multipart";
  return isJson(contentType) ? "json" : "other";
}

/** The 415 reason when the scheme's body rule refuses the Content-Type, else null. */
export function contentTypeRefusal(scheme: Scheme, contentType: string | null): string | null {
  if (scheme.body?.shape === "multipart" && !isMultipart(contentType))
    return `Content-Type must be multipart/form-data with a boundary, not "${contentType ?? "none"}"`;
  if (scheme.body?.shape === "json" && !isJson(contentType)) return `Content-Type must be application/json, not "${contentType ?? "none"}"`;
  return null;
}

function isMultipart(contentType: string | null): boolean {
  return /^multipart\/form-data\s*;/i.test(contentType ?? "");
}

function isJson(contentType: string | null): boolean {
  return /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(contentType ?? "");
}
