import { createHash } from "node:crypto";
import { getPool, getPrisma } from "../db.ts";
import { getDelivery } from "../deliveries/get-delivery.ts";
import { findReceivingSource } from "../sources/find-receiving-source.ts";
import { getBlobWriter } from "../storage/configured-store.ts";
import { readBlobBuffer } from "../storage/read-blob.ts";
import { analyseJson, JsonAnalysisLimitError } from "../json-analysis/json-pool.ts";
import { bodyShape } from "../schemes/body-shape.ts";
import { schemeFor } from "../schemes/index.ts";
import type { SchemeFinding } from "../schemes/scheme.ts";
import { explainFindings, type ExplainedDiagnosis } from "./explain-findings.ts";
import { toPlainJson } from "../json/json-tree.ts";
import { parseJsonOnce } from "../json/parse-once.ts";

// What the inspector page shows of one delivery: the delivery as the API gives it, its source,
// and for a failed or rejected one with a quarantined body, the signature diagnosis of that
// body: its kind's scheme's `diagnose` (lib/schemes), in the JSON worker for a JSON body, worded
// and tabled by explain-findings.ts. Secrets are decrypted here, on the server, for the
// diagnosis only; the result names credentials by label and fingerprint and holds no secret.

export type QuarantineDiagnosis = ExplainedDiagnosis & BodyFacts & { payloadPreview: string | null };

const MAX_PAYLOAD_PREVIEW_BYTES = 4 * 1024 * 1024;

interface BodyFacts {
  bodySize: number;
  bodySha256: string;
  contentType: string | null;
}

export async function inspectDelivery(id: string) {
  const [delivery, context] = await Promise.all([
    getDelivery(id),
    getPrisma().delivery.findUnique({
      where: { id },
      select: {
        purgedAt: true,
        source: { select: { id: true, slug: true, name: true, kind: true } },
        quarantine: { select: { blob: { select: { sha256: true } } } },
        rawBody: { select: { sha256: true, byteSize: true } },
      },
    }),
  ]);
  if (!delivery || !context) return null;
  const headers = asHeaderRecord(delivery.headers);
  const isQuarantined = context.quarantine !== null && delivery.status !== "verified";
  const diagnosis = isQuarantined
    ? await diagnoseQuarantine(context.source, context.quarantine!.blob.sha256, headers, delivery.contentType, new Date(delivery.receivedAt))
    : null;
  // A verified JSON body is shown from its raw bytes (order and number literals as received) when it is of a size a page can hold.
  const rawBody =
    !isQuarantined && context.rawBody && Number(context.rawBody.byteSize) <= MAX_PAYLOAD_PREVIEW_BYTES
      ? await readBlobBuffer((await getBlobWriter()).store, context.rawBody.sha256)
      : null;
  const payloadText = rawBody ? await previewOffLoop(rawBody) : null;
  // purgedAt: the retention job removed the stored bytes (quarantined body or images) then.
  return { delivery: { ...delivery, headers }, source: context.source, diagnosis, isQuarantined, payloadText, purgedAt: context.purgedAt };
}

export type InspectedDelivery = NonNullable<Awaited<ReturnType<typeof inspectDelivery>>>;

async function diagnoseQuarantine(
  source: { slug: string; kind: string },
  sha256: string,
  headers: Record<string, string>,
  contentType: string | null,
  receivedAt: Date,
): Promise<QuarantineDiagnosis | null> {
  const pool = getPool();
  const [receiving, rawBody] = await Promise.all([findReceivingSource(pool, source.slug), getBlobWriter().then(({ store }) => readBlobBuffer(store, sha256))]);
  if (!receiving) return null;
  const scheme = schemeFor(source.kind);
  const facts: BodyFacts = { bodySize: rawBody.length, bodySha256: createHash("sha256").update(rawBody).digest("hex"), contentType };
  const request = { headers: toHeaders(headers), body: rawBody };
  // Timestamps are judged against when the delivery arrived, as the receiver judged them.
  const context = { now: receivedAt, options: receiving.options };
  const isJson = bodyShape(scheme, contentType) === "json";
  let findings: SchemeFinding[];
  try {
    // A JSON body's diagnosis (parsing, every layout) runs in the JSON worker thread, within its time budget.
    findings = isJson
      ? await analyseJson({
          kind: "diagnose",
          scheme: scheme.kind,
          rawBody,
          headers,
          credentials: receiving.credentials,
          now: context.now,
          options: context.options,
        })
      : scheme.diagnose(request, receiving.credentials, context);
  } catch (error) {
    if (!(error instanceof JsonAnalysisLimitError)) throw error;
    findings = [{ code: "too-large-to-analyse", severity: "warning", facts: { message: error.message } }];
    return { ...facts, ...explainFindings(scheme, request, [], findings, null), payloadPreview: null };
  }
  const payloadPreview = isJson ? await previewOffLoop(rawBody) : null;
  return { ...facts, ...explainFindings(scheme, request, receiving.credentials, findings, isJson ? claimedBy(scheme, rawBody) : null), payloadPreview };
}

/** What the unverified body claims to be; a body too large to parse here claims nothing. */
function claimedBy(scheme: ReturnType<typeof schemeFor>, rawBody: Buffer) {
  if (!scheme.summarize || rawBody.length > MAX_PAYLOAD_PREVIEW_BYTES) return null;
  try {
    return scheme.summarize(toPlainJson(parseJsonOnce(rawBody)));
  } catch {
    return null;
  }
}

async function previewOffLoop(rawBody: Buffer): Promise<string | null> {
  try {
    return await analyseJson({ kind: "preview-json", rawBody });
  } catch (error) {
    if (!(error instanceof JsonAnalysisLimitError)) throw error;
    return `(too large to analyse here: ${error.message})`;
  }
}

function toHeaders(record: Record<string, string>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(record)) {
    try {
      headers.set(name, value);
    } catch {
      // A value Headers will not hold was not one the receiver could have read either.
    }
  }
  return headers;
}

function asHeaderRecord(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
