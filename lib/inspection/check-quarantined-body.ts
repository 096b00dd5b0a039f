import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { IncomingImage, JobFacts } from "../deliveries/record-delivery.ts";
import type { ReceivingSource } from "../ingest/find-receiving-source.ts";
import { sniffImageType } from "../ingest/image-type.ts";
import { readMultipartBody } from "../ingest/read-multipart.ts";
import { describeRetiredMatch, maskitRetiredHint } from "../ingest/retired-credential-hint.ts";
import { Spool } from "../ingest/spool.ts";
import { readImageSize } from "../images/image-size.ts";
import { analyseJson, JsonAnalysisLimitError } from "../json-analysis/json-pool.ts";
import type { EdenaiVerification } from "../json-analysis/json-tasks.ts";
import { MASKIT_SIGNATURE_HEADER, verifyMaskitSignature } from "../signatures/maskit.ts";
import { SignatureError, type CredentialRef, type SignatureMatch } from "../signatures/types.ts";

// A quarantined body checked again, step for step as the receivers check a request
// (lib/ingest/receive-maskit.ts, receive-edenai.ts) and with the same functions: parse, verify
// against the source's active credentials, then type and measure the images. Either it is
// refused again, with the receiver's reason, or it is what commitVerifiedDelivery would store.

export type BodyCheck =
  | { isAccepted: false; outcome: "no_match" | "still_refused"; reason: string; credential: CredentialRef | null }
  | {
      isAccepted: true;
      credential: CredentialRef;
      form: string | null;
      images: IncomingImage[];
      job: JobFacts | null;
      dedupeKey: string;
      /** Eden AI keeps the raw body of a verified delivery; MaskIt does not. */
      keepsRawBody: boolean;
      dispose(): Promise<void>;
    };

export async function checkQuarantinedBody(options: { source: ReceivingSource; rawBody: Buffer; headers: Headers; spoolDir: string }): Promise<BodyCheck> {
  return options.source.kind === "maskit" ? checkMaskit(options) : checkEdenai(options);
}

async function checkMaskit({
  source,
  rawBody,
  headers,
  spoolDir,
}: {
  source: ReceivingSource;
  rawBody: Buffer;
  headers: Headers;
  spoolDir: string;
}): Promise<BodyCheck> {
  const contentType = headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType))
    return refused("still_refused", `Content-Type must be multipart/form-data with a boundary, not "${contentType || "none"}"`);
  const body = await readMultipartBody({ body: Readable.from([rawBody]), contentType, maxBytes: Infinity, spoolDir });
  let isHandedOff = false;
  try {
    if (body.parseError) return refused("still_refused", body.parseError.message);
    const signature = headers.get(MASKIT_SIGNATURE_HEADER);
    let match: SignatureMatch;
    try {
      match = verifyMaskitSignature(rawBody, signature, source.secrets);
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      return refused(
        "no_match",
        withHint(error, () => maskitRetiredHint(source, rawBody, signature)),
      );
    }
    const image = body.image;
    if (!image) return refused("still_refused", "the body has no maskedImage file part", match.credential);
    const mimeType = sniffImageType(image.spool.firstBytes());
    if (!mimeType) return refused("still_refused", `maskedImage is not a JPEG or PNG by its bytes (declared as ${image.declaredType})`, match.credential);
    const size = await readImageSize(image.spool);
    if (!size) return refused("still_refused", `maskedImage starts like a ${mimeType} but its header cannot be read`, match.credential);
    isHandedOff = true;
    return {
      isAccepted: true,
      credential: match.credential,
      form: null,
      images: [{ spool: image.spool, sha256: image.sha256, mimeType, ...size, origin: "maskedImage" }],
      job: null,
      dedupeKey: `body:${body.raw.sha256}`,
      keepsRawBody: false,
      dispose: () => body.dispose(),
    };
  } finally {
    if (!isHandedOff) await body.dispose();
  }
}

async function checkEdenai({
  source,
  rawBody,
  headers,
  spoolDir,
}: {
  source: ReceivingSource;
  rawBody: Buffer;
  headers: Headers;
  spoolDir: string;
}): Promise<BodyCheck> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => (record[name] = value));
  let checked: EdenaiVerification;
  try {
    // The receiver's own check (lib/json-analysis/json-tasks.ts), in the JSON worker thread.
    checked = await analyseJson({ kind: "verify-edenai", rawBody, headers: record, keys: source.publicKeys, retiredKeys: source.retired.publicKeys });
  } catch (error) {
    if (error instanceof JsonAnalysisLimitError) return refused("still_refused", error.message);
    throw error;
  }
  if (checked.outcome === "invalid-json") return refused("still_refused", checked.message);
  if (checked.outcome === "signature-error") {
    const hint = checked.retiredMatch ? describeRetiredMatch(checked.retiredMatch, source.retired.publicKeys[checked.retiredMatch.index]) : null;
    return refused("no_match", hint ? `${checked.message}; ${hint}` : checked.message);
  }
  const spools: Spool[] = [];
  const images: IncomingImage[] = [];
  for (const image of checked.images) {
    const spool = new Spool(spoolDir, Infinity);
    spools.push(spool);
    await spool.write(Buffer.from(image.bytes));
    const size = await readImageSize(spool);
    // As in the receiver: a string that starts like an image but does not decode stays text.
    if (size) images.push({ spool, sha256: image.sha256, mimeType: image.mimeType, ...size, origin: image.path });
  }
  const job = { ...checked.job, signatureForm: checked.form, payload: checked.displayPayload };
  return {
    isAccepted: true,
    credential: checked.credential,
    form: checked.form,
    images,
    job,
    dedupeKey: checked.dedupeKey ?? `body:${createHash("sha256").update(rawBody).digest("hex")}`,
    keepsRawBody: true,
    dispose: () => Promise.all(spools.map((spool) => spool.dispose())).then(() => {}),
  };
}

function refused(outcome: "no_match" | "still_refused", reason: string, credential: CredentialRef | null = null): BodyCheck {
  return { isAccepted: false, outcome, reason, credential };
}

function withHint(error: SignatureError, hint: () => string | null): string {
  const found = error.code === "no_match" || error.code === "no_credentials" ? hint() : null;
  return found ? `${error.message}; ${found}` : error.message;
}
