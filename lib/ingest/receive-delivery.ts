import { performance } from "node:perf_hooks";
import { commitVerifiedDelivery } from "../deliveries/record-delivery.ts";
import { hasRenditionRoom, scheduleRenditions } from "../images/renditions.ts";
import { schemeFor, signatureHeadersOf } from "../schemes/index.ts";
import type { BodyVerifier, Refusal } from "../schemes/scheme.ts";
import { StaleSourceError } from "../sources/source-stamp.ts";
import { isCurrent } from "../sources/receiving-source-cache.ts";
import { BodyTimeoutError, BodyTooLargeError, ClientAbortedError, SourceChangedError } from "./errors.ts";
import { bodyShape, contentTypeRefusal } from "../schemes/body-shape.ts";
import { examineBody, type ReadContent } from "./examine-body.ts";
import { readBody } from "./read-body.ts";
import { readMultipartBody } from "./read-multipart.ts";
import { declaredLengthTooLarge, describeRequest, recordRefusal, type ReceiveContext, type ReceiveOutcome } from "./receive-context.ts";
import type { Spool } from "./spool.ts";

// One delivery, whatever its kind: the kind's scheme (lib/schemes) decides on the signature, the
// body's shape decides how it is read and what is stored (examine-body.ts). Cheap refusals
// first (a declared length over the limit, a Content-Type the kind does not take), then the
// body is streamed once: counted, hashed, spooled, fed to the scheme's verifier (a MaskIt HMAC
// is computed during the upload) and, for multipart, to the parser. A JSON body is verified
// and analysed in the JSON worker instead. Each way out is recorded in the log; no 2xx before
// the group commit.

export async function receiveDelivery(context: ReceiveContext): Promise<ReceiveOutcome> {
  const startedAt = performance.now();
  const scheme = schemeFor(context.source.kind);
  const facts = describeRequest(context, signatureHeadersOf(scheme, context.source.options));
  const refuse = (status: "failed" | "rejected", httpStatus: number, reason: string, rawBody: Spool | null = null, answeredReason?: string) =>
    recordRefusal(context, facts, { status, httpStatus, reason, rawBody, startedAt, answeredReason });
  // A refusal decided with a remembered source stands only if the source is still that one.
  const confirmSource = async () => {
    if (context.isSourceRemembered && !(await isCurrent(context.pool, context.source))) throw new SourceChangedError(null);
  };

  const tooLarge = declaredLengthTooLarge(context);
  if (tooLarge) return confirmSource().then(() => refuse("rejected", 413, tooLarge));
  const wrongType = contentTypeRefusal(scheme, facts.contentType);
  if (wrongType) return confirmSource().then(() => refuse("rejected", 415, wrongType));
  const shape = bodyShape(scheme, facts.contentType);
  const schemeContext = { now: facts.receivedAt, options: context.source.options };
  const begun = scheme.begin(context.headers, context.source.credentials, schemeContext);
  // A JSON body is verified in the worker; any other is hashed as it arrives.
  const verifier = shape !== "json" && !("accepted" in begun) ? (begun as BodyVerifier) : null;
  const onChunk = verifier ? (chunk: Buffer) => verifier.update(chunk) : undefined;

  let content: ReadContent;
  try {
    const reading = { body: context.body, maxBytes: context.maxBodyBytes, idleTimeoutMs: context.bodyTimeoutMs, spoolDir: context.spoolDir, onChunk };
    if (shape === "multipart") {
      const multipart = await readMultipartBody({ ...reading, contentType: facts.contentType ?? "", imagePart: scheme.body?.imagePart });
      content = { shape, raw: multipart.raw, multipart };
    } else {
      content = { shape, raw: await readBody(reading) } as ReadContent;
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) return refuse("rejected", 413, error.message);
    if (error instanceof ClientAbortedError) return refuse("rejected", 400, error.message);
    if (error instanceof BodyTimeoutError) return refuse("rejected", 408, error.message);
    throw error;
  }

  // Everything spooled for this request goes in `finally`, unless the renditions job holds a
  // file part's spool: then it goes once the last of those renditions is made.
  const disposeBody = () => (content.shape === "multipart" ? content.multipart.dispose() : content.raw.spool.dispose());
  const disposeAllButRaw = async () => (content.shape === "multipart" ? content.multipart.disposeParts() : undefined);
  const disposable: Spool[] = [];
  let handedOff = 0;
  let isAnswered = false;
  let isRawBodyHandedBack = false;
  // The source changed under this delivery: the raw body goes back to be received again.
  const sourceChanged = () => {
    isRawBodyHandedBack = true;
    return new SourceChangedError(content.raw.spool);
  };
  try {
    Object.assign(facts, { bodySha256: content.raw.sha256, bodySize: content.raw.size });
    if (content.shape === "multipart") {
      const { metadata, image, files } = content.multipart;
      Object.assign(facts, { metadata: asStorableText(metadata), fileName: asStorableText((image ?? files[0])?.fileName ?? null) });
    }
    const examined = await examineBody({
      scheme,
      credentials: context.source.credentials,
      headers: context.headers,
      context: schemeContext,
      begun: begun as Refusal | BodyVerifier,
      content,
      spoolDir: context.spoolDir,
    });
    if (!examined.accepted) {
      if (context.isSourceRemembered && !(await isCurrent(context.pool, context.source))) throw sourceChanged();
      facts.matchedCredential = examined.credential;
      const reason = examined.isAnalysisLimit ? `${examined.reason}; job results are expected to be small` : examined.reason;
      return await refuse(examined.status, examined.httpStatus, reason, content.raw.spool, examined.isAnalysisLimit ? reason : examined.answered);
    }
    disposable.push(...examined.spools);
    facts.matchedCredential = examined.credential;
    const committed = await commitVerifiedDelivery(
      context,
      {
        ...facts,
        ...(examined.job ? { job: examined.job } : {}),
        status: "verified",
        httpStatus: 200,
        reason: null,
        durationMs: performance.now() - startedAt,
      },
      { images: examined.images, ...(examined.keepsRawBody ? { rawBody: content.raw.spool } : {}) },
      examined.dedupeKey,
      context.isSourceRemembered ? { sourceId: context.source.id, stamp: context.source.stamp } : undefined,
    ).catch((error: unknown) => {
      throw error instanceof StaleSourceError ? sourceChanged() : error;
    });
    if (!committed.isDuplicate) {
      for (const { id, image } of committed.newImages) {
        const input = image.spool.filePath();
        const facts = { id, width: image.width, height: image.height, byteSize: image.spool.size };
        // A spooled file goes to the renditions job as it is, which disposes of it when done.
        if (input) {
          handedOff++;
          scheduleRenditions(context, facts, input, async () => {
            if (--handedOff === 0 && isAnswered) await disposeBody();
          });
        } else if (hasRenditionRoom()) {
          // Joined into one Buffer only when queued: under a long burst the queue is full.
          scheduleRenditions(context, facts, await image.spool.toBuffer());
        }
      }
    }
    return { httpStatus: 200, deliveryId: committed.deliveryId, status: "verified", reason: null, isDuplicate: committed.isDuplicate };
  } finally {
    isAnswered = true;
    await Promise.all([...disposable.map((spool) => spool.dispose()), isRawBodyHandedBack ? disposeAllButRaw() : handedOff === 0 ? disposeBody() : undefined]);
  }
}

/** PostgreSQL text cannot hold NUL; busboy has already turned invalid UTF-8 into U+FFFD. */
function asStorableText(value: string | null): string | null {
  return value === null ? null : value.replaceAll("\u0000", "\uFFFD");
}
