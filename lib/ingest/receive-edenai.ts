import { createPublicKey } from "node:crypto";
import { performance } from "node:perf_hooks";
import { commitVerifiedDelivery, type IncomingImage } from "../deliveries/record-delivery.ts";
import { readImageSize } from "../images/image-size.ts";
import { scheduleRenditions } from "../images/renditions.ts";
import { analyseJson, JsonAnalysisLimitError } from "../json-analysis/json-pool.ts";
import type { EdenaiVerification } from "../json-analysis/json-tasks.ts";
import { EDENAI_SIGNATURE_HEADERS, precheckEdenaiSignature } from "../signatures/edenai.ts";
import { SignatureError } from "../signatures/types.ts";
import { BodyTimeoutError, BodyTooLargeError, ClientAbortedError } from "./errors.ts";
import { readBody, type SpooledBody } from "./read-body.ts";
import { describeRetiredMatch } from "./retired-credential-hint.ts";
import {
  declaredLengthTooLarge,
  describeRequest,
  recordRefusal,
  SIGNATURE_MISMATCH_ANSWER,
  type ReceiveContext,
  type ReceiveOutcome,
} from "./receive-context.ts";
import { Spool } from "./spool.ts";

// One Eden AI job result: read the JSON body (at most MAX_JSON_BODY_BYTES), refuse a signature
// header that cannot match before parsing anything, then parse it once (keeping number literals
// and key order) and verify the RSA signature over each candidate canonical form in the JSON
// worker thread (lib/json-analysis), then commit the payload as received, the fields the log
// shows, and any base64 images it carries. A repeated job id is answered with the first
// delivery's id.

export async function receiveEdenaiDelivery(context: ReceiveContext): Promise<ReceiveOutcome> {
  const startedAt = performance.now();
  const facts = describeRequest(context, EDENAI_SIGNATURE_HEADERS);
  const refuse = (status: "failed" | "rejected", httpStatus: number, reason: string, rawBody: Spool | null = null, answeredReason?: string) =>
    recordRefusal(context, facts, { status, httpStatus, reason, rawBody, startedAt, answeredReason });

  const tooLarge = declaredLengthTooLarge(context);
  if (tooLarge) return refuse("rejected", 413, tooLarge);
  if (!/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(facts.contentType ?? "")) {
    return refuse("rejected", 415, `Content-Type must be application/json, not "${facts.contentType ?? "none"}"`);
  }
  let body: SpooledBody;
  try {
    body = await readBody({ body: context.body, maxBytes: context.maxBodyBytes, idleTimeoutMs: context.bodyTimeoutMs, spoolDir: context.spoolDir });
  } catch (error) {
    if (error instanceof BodyTooLargeError) return refuse("rejected", 413, error.message);
    if (error instanceof ClientAbortedError) return refuse("rejected", 400, error.message);
    if (error instanceof BodyTimeoutError) return refuse("rejected", 408, error.message);
    throw error;
  }

  const imageSpools: Spool[] = [];
  try {
    Object.assign(facts, { bodySha256: body.sha256, bodySize: body.size });
    const { publicKeys, retired } = context.source;
    try {
      precheckEdenaiSignature(
        context.headers,
        [...publicKeys, ...retired.publicKeys].map(({ pem }) => ({ key: createPublicKey(pem) })),
      );
    } catch (error) {
      if (error instanceof SignatureError)
        return await refuse("failed", 401, error.message, body.spool, error.code === "no_credentials" ? SIGNATURE_MISMATCH_ANSWER : error.message);
      throw error;
    }
    const bytes = await body.spool.toBuffer();
    let checked: EdenaiVerification;
    try {
      // Parsing and every canonical form, in the worker thread: the event loop stays free.
      checked = await analyseJson({
        kind: "verify-edenai",
        rawBody: bytes,
        headers: headerRecord(context.headers),
        keys: publicKeys,
        retiredKeys: retired.publicKeys,
      });
    } catch (error) {
      if (error instanceof JsonAnalysisLimitError) return await refuse("rejected", 413, `${error.message}; job results are expected to be small`, body.spool);
      throw error;
    }
    if (checked.outcome === "invalid-json") return await refuse("rejected", 400, checked.message, body.spool);
    if (checked.outcome === "signature-error") {
      const hint = checked.retiredMatch ? describeRetiredMatch(checked.retiredMatch, retired.publicKeys[checked.retiredMatch.index]) : null;
      const answered = checked.code === "no_match" || checked.code === "no_credentials" ? SIGNATURE_MISMATCH_ANSWER : checked.message;
      return await refuse("failed", 401, hint ? `${checked.message}; ${hint}` : checked.message, body.spool, answered);
    }
    facts.matchedCredential = checked.credential;
    const match = checked;
    const images: IncomingImage[] = [];
    for (const image of checked.images) {
      const spool = new Spool(context.spoolDir, Infinity);
      imageSpools.push(spool);
      await spool.write(Buffer.from(image.bytes));
      const size = await readImageSize(spool);
      // A string that starts like an image but does not decode stays in the payload as text.
      if (size) images.push({ spool, sha256: image.sha256, mimeType: image.mimeType, ...size, origin: image.path });
    }
    const job = { ...checked.job, signatureForm: match.form, payload: checked.displayPayload };
    const committed = await commitVerifiedDelivery(
      context,
      { ...facts, job, status: "verified", httpStatus: 200, reason: null, durationMs: performance.now() - startedAt },
      { images, rawBody: body.spool },
      checked.dedupeKey ?? `body:${body.sha256}`,
    );
    if (!committed.isDuplicate) {
      for (const { id, image } of committed.newImages) {
        scheduleRenditions(context, { id, width: image.width, height: image.height, byteSize: image.spool.size }, await image.spool.toBuffer());
      }
    }
    return { httpStatus: 200, deliveryId: committed.deliveryId, status: "verified", reason: null, isDuplicate: committed.isDuplicate };
  } finally {
    await Promise.all([body.spool.dispose(), ...imageSpools.map((spool) => spool.dispose())]);
  }
}

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => (record[name] = value));
  return record;
}
