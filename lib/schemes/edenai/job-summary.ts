import { createHash } from "node:crypto";
import { storableText } from "../../json/storable-text.ts";
import type { PayloadSummary } from "../scheme.ts";

// What the log shows of an Eden AI job result, and what makes two results one job. Current
// payloads: { job_id, status, provider, feature, subfeature, output }; older ones:
// { public_id, status, results: { <provider>: {...} } }.

const MAX_SHOWN_TEXT = 256;

export function describeJob(payload: unknown): PayloadSummary {
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

function asText(value: unknown): string | null {
  if (typeof value === "string") return storableText(value.slice(0, MAX_SHOWN_TEXT)) || null;
  if (typeof value === "number") return String(value);
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
