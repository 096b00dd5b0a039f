import { createHash } from "node:crypto";
import { getPool, getPrisma } from "../db.ts";
import { getDelivery } from "../deliveries/get-delivery.ts";
import { findReceivingSource } from "../ingest/find-receiving-source.ts";
import { getBlobWriter } from "../storage/configured-store.ts";
import { readBlobBuffer } from "../storage/read-blob.ts";
import { analyseJson, JsonAnalysisLimitError } from "../json-analysis/json-pool.ts";
import type { EdenaiDiagnosis } from "./diagnose-edenai.ts";
import { diagnoseMaskit, type MaskitDiagnosis } from "./diagnose-maskit.ts";
import { diagnosticKeys, diagnosticSecrets } from "./diagnostic-credentials.ts";

// What the inspector page shows of one delivery: the delivery as the API gives it, its source,
// and for a failed or rejected one with a quarantined body, the signature diagnosis of that
// body. Secrets are decrypted here, on the server, for the diagnosis only; the result names
// credentials by label and fingerprint and holds no secret.

export type QuarantineDiagnosis =
  | ({ kind: "maskit" } & MaskitDiagnosis & BodyFacts)
  | ({ kind: "edenai" } & EdenaiDiagnosis & BodyFacts & { payloadPreview: string | null });

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
  const diagnosis = isQuarantined ? await diagnoseQuarantine(context.source, context.quarantine!.blob.sha256, headers, delivery.contentType) : null;
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
): Promise<QuarantineDiagnosis | null> {
  // The kinds of lib/schemes (issue 14 part 2) are diagnosed by their scheme's diagnose, wired in at merge.
  if (source.kind !== "maskit" && source.kind !== "edenai") return null;
  const pool = getPool();
  const [receiving, rawBody] = await Promise.all([findReceivingSource(pool, source.slug), getBlobWriter().then(({ store }) => readBlobBuffer(store, sha256))]);
  if (!receiving) return null;
  const facts: BodyFacts = { bodySize: rawBody.length, bodySha256: createHash("sha256").update(rawBody).digest("hex"), contentType };
  if (source.kind === "maskit") {
    return { kind: "maskit", ...facts, ...diagnoseMaskit({ rawBody, headers, secrets: diagnosticSecrets(receiving) }) };
  }
  // Parsing, every layout and the preview run in the JSON worker thread, within its time budget.
  try {
    const diagnosis = await analyseJson({ kind: "diagnose-edenai", rawBody, headers, keys: diagnosticKeys(receiving) });
    return { kind: "edenai", ...facts, ...diagnosis, payloadPreview: await previewOffLoop(rawBody) };
  } catch (error) {
    if (!(error instanceof JsonAnalysisLimitError)) throw error;
    return { kind: "edenai", ...facts, ...tooLargeToAnalyse(error, headers), payloadPreview: null };
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

function tooLargeToAnalyse(error: JsonAnalysisLimitError, headers: Record<string, string>): EdenaiDiagnosis {
  const detail = `${error.message}, so the inspector did not diagnose it (other requests are not held up by it). The body stays in quarantine as received.`;
  const value = headers["x-edenai-signature"] ?? headers["x-edenai-signautre"];
  return {
    signature: value ? { header: headers["x-edenai-signature"] ? "X-Edenai-Signature" : "X-Edenai-Signautre", value } : null,
    decoded: null,
    isJson: false,
    claimed: null,
    attempts: [],
    otherLayoutsTried: [],
    credentials: [],
    findings: [{ kind: "too-large-to-analyse", severity: "warning", title: "Too large to analyse here", detail }],
  };
}

function asHeaderRecord(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
