import { extractEmbeddedImages, type EmbeddedImage } from "../json/embedded-images.ts";
import { InvalidJsonError, toPlainJson } from "../json/json-tree.ts";
import { parseJsonOnce } from "../json/parse-once.ts";
import { previewPayload } from "../json/preview-payload.ts";
import { schemeFor } from "../schemes/index.ts";
import { findRetiredMatch } from "../schemes/retired-match.ts";
import {
  accept,
  type Acceptance,
  type CredentialRef,
  type PayloadSummary,
  type Refusal,
  type SchemeCredential,
  type SchemeFinding,
  type SchemeOptions,
} from "../schemes/scheme.ts";

// The JSON work that costs time in proportion to the body (parsing, every canonical form, the
// diagnosis's extra layouts, a pretty preview), as tasks that run in a worker thread
// (json-worker.mjs) so that a large body never holds the event loop. Any kind's scheme runs
// here for a JSON body: its own `accept`, then what the receiver stores of the payload (the
// images it carries, the text shown, the dedupe key), parsed once for both
// (lib/json/parse-once.ts). Inputs and results are plain data: they cross the thread boundary
// by structured clone (a Buffer arrives as a Uint8Array, hence `asBuffer`; KeyObjects clone).

export interface SchemeTaskInput {
  /** The source kind, for schemeFor. */
  scheme: string;
  rawBody: Uint8Array;
  headers: Record<string, string>;
  credentials: SchemeCredential[];
  now: Date;
  options: SchemeOptions;
}

export type JsonTask = ({ kind: "accept-json" } & SchemeTaskInput) | ({ kind: "diagnose" } & SchemeTaskInput) | { kind: "preview-json"; rawBody: Uint8Array };

/** What the receiver stores of a JSON payload; null for a body that is not JSON (a kind without body rules stores it as it is). */
export interface JsonContent {
  displayPayload: unknown;
  images: EmbeddedImage[];
  summary: PayloadSummary | null;
  dedupeKey: string | null;
}

export type JsonAcceptance =
  | { outcome: "refused"; refusal: Refusal; retiredMatch: (CredentialRef & Pick<SchemeCredential, "state" | "retiredAt">) | null }
  | { outcome: "accepted"; acceptance: Acceptance; content: JsonContent | null };

export type JsonTaskResult<T extends JsonTask> = T extends { kind: "accept-json" }
  ? JsonAcceptance
  : T extends { kind: "diagnose" }
    ? SchemeFinding[]
    : string | null;

export function runJsonTask(task: JsonTask): JsonAcceptance | SchemeFinding[] | string | null {
  const rawBody = asBuffer(task.rawBody);
  if (task.kind === "preview-json") return previewPayload(rawBody);
  const scheme = schemeFor(task.scheme);
  const request = { headers: new Headers(task.headers), body: rawBody };
  const credentials = task.credentials.map(withBufferSecret);
  const context = { now: task.now, options: task.options };
  if (task.kind === "diagnose") return scheme.diagnose(request, credentials, context);

  const verdict = accept(scheme, request, credentials, context);
  if (!verdict.accepted) {
    const isWorthAHint = verdict.code === "no_match" || verdict.code === "no_credentials";
    const retired = isWorthAHint ? findRetiredMatch(scheme, request, credentials, context) : null;
    const retiredMatch = retired && {
      id: retired.id,
      label: retired.label,
      fingerprint: retired.fingerprint,
      state: retired.state,
      retiredAt: retired.retiredAt,
    };
    return { outcome: "refused", refusal: verdict, retiredMatch };
  }
  let json: unknown;
  try {
    json = toPlainJson(parseJsonOnce(rawBody));
  } catch (error) {
    if (error instanceof InvalidJsonError) return { outcome: "accepted", acceptance: verdict, content: null };
    throw error;
  }
  const { images, displayPayload } = extractEmbeddedImages(json);
  const content = { displayPayload, images, summary: scheme.summarize?.(json) ?? null, dedupeKey: scheme.dedupeKey(request.headers, json, task.options) };
  return { outcome: "accepted", acceptance: verdict, content };
}

/** A secret arrives as a Uint8Array; the schemes read it as a Buffer (its text, for `whsec_` variants). */
function withBufferSecret(credential: SchemeCredential): SchemeCredential {
  return credential.secret ? { ...credential, secret: asBuffer(credential.secret) } : credential;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
