import { createPublicKey } from "node:crypto";
import { describeJob, extractEmbeddedImages, jobDedupeKey, type EmbeddedImage } from "../ingest/edenai-payload.ts";
import { diagnoseEdenai, type EdenaiDiagnosis, type EdenaiDiagnosticKey } from "../inspection/diagnose-edenai.ts";
import { previewPayload } from "../inspection/preview-payload.ts";
import { InvalidJsonError, parseJsonPreservingOrder, toPlainJson, type JsonNode } from "../signatures/edenai-canonical.ts";
import { verifyEdenaiSignature } from "../signatures/edenai.ts";
import { SignatureError, type CredentialRef, type SignatureFailureCode } from "../signatures/types.ts";

// The JSON work that costs time in proportion to the body (parsing, every canonical form, the
// diagnosis's extra layouts, a pretty preview), as tasks that run in a worker thread
// (json-worker.mjs) so that a large body never holds the event loop. Inputs and results are
// plain data: they cross the thread boundary by structured clone (a Buffer arrives as a
// Uint8Array, hence `asBuffer`).

export interface EdenaiKeyInput extends CredentialRef {
  pem: string;
}

export type JsonTask =
  | { kind: "verify-edenai"; rawBody: Uint8Array; headers: Record<string, string>; keys: EdenaiKeyInput[]; retiredKeys: EdenaiKeyInput[] }
  | { kind: "diagnose-edenai"; rawBody: Uint8Array; headers: Record<string, string>; keys: EdenaiDiagnosticKey[] }
  | { kind: "preview-json"; rawBody: Uint8Array };

export type EdenaiVerification =
  | { outcome: "invalid-json"; message: string }
  | { outcome: "signature-error"; code: SignatureFailureCode; message: string; retiredMatch: (CredentialRef & { index: number }) | null }
  | {
      outcome: "verified";
      credential: CredentialRef;
      form: string;
      job: ReturnType<typeof describeJob>;
      dedupeKey: string | null;
      displayPayload: unknown;
      images: EmbeddedImage[];
    };

export type JsonTaskResult<T extends JsonTask> = T extends { kind: "verify-edenai" }
  ? EdenaiVerification
  : T extends { kind: "diagnose-edenai" }
    ? EdenaiDiagnosis
    : string | null;

export function runJsonTask(task: JsonTask): EdenaiVerification | EdenaiDiagnosis | string | null {
  const rawBody = asBuffer(task.rawBody);
  switch (task.kind) {
    case "verify-edenai":
      return verifyEdenaiBody(rawBody, new Headers(task.headers), task.keys, task.retiredKeys);
    case "diagnose-edenai":
      return diagnoseEdenai({ rawBody, headers: task.headers, keys: task.keys });
    case "preview-json":
      return previewPayload(rawBody);
  }
}

/**
 * The receiver's and re-verification's one Eden AI check: parse (keeping literals and order),
 * verify each canonical form against each active key, and on success the fields the log shows
 * and the embedded images. After a failure, which retired key (if any) would have matched.
 */
function verifyEdenaiBody(rawBody: Buffer, headers: Headers, keys: EdenaiKeyInput[], retiredKeys: EdenaiKeyInput[]): EdenaiVerification {
  let tree: JsonNode;
  try {
    tree = parseJsonPreservingOrder(rawBody);
  } catch (error) {
    if (error instanceof InvalidJsonError) return { outcome: "invalid-json", message: error.message };
    throw error;
  }
  const asKeys = (list: EdenaiKeyInput[]) => list.map(({ pem, ...credential }) => ({ ...credential, key: createPublicKey(pem) }));
  try {
    const match = verifyEdenaiSignature({ rawBody, headers, keys: asKeys(keys), tree });
    const plain = toPlainJson(tree);
    const { images, displayPayload } = extractEmbeddedImages(plain);
    return {
      outcome: "verified",
      credential: match.credential,
      form: match.form,
      job: describeJob(plain),
      dedupeKey: jobDedupeKey(plain),
      displayPayload,
      images,
    };
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    const isWorthAHint = error.code === "no_match" || error.code === "no_credentials";
    const retiredMatch = isWorthAHint ? findRetiredMatch(rawBody, headers, tree, retiredKeys) : null;
    return { outcome: "signature-error", code: error.code, message: error.message, retiredMatch };
  }
}

function findRetiredMatch(rawBody: Buffer, headers: Headers, tree: JsonNode, retiredKeys: EdenaiKeyInput[]): (CredentialRef & { index: number }) | null {
  for (const [index, { pem, ...credential }] of retiredKeys.entries()) {
    try {
      verifyEdenaiSignature({ rawBody, headers, tree, keys: [{ ...credential, key: createPublicKey(pem) }] });
      return { ...credential, index };
    } catch {
      // not this one
    }
  }
  return null;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
