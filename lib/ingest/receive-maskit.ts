import { performance } from "node:perf_hooks";
import { commitVerifiedDelivery } from "../deliveries/record-delivery.ts";
import { readImageSize } from "../images/image-size.ts";
import { scheduleRenditions } from "../images/renditions.ts";
import { createMaskitVerifier, MASKIT_SIGNATURE_HEADER } from "../signatures/maskit.ts";
import { SignatureError, type SignatureMatch } from "../signatures/types.ts";
import { BodyTimeoutError, BodyTooLargeError, ClientAbortedError } from "./errors.ts";
import { sniffImageType } from "./image-type.ts";
import { readMultipartBody, type MultipartBody } from "./read-multipart.ts";
import { maskitRetiredHint } from "./retired-credential-hint.ts";
import {
  declaredLengthTooLarge,
  describeRequest,
  recordRefusal,
  SIGNATURE_MISMATCH_ANSWER,
  type ReceiveContext,
  type ReceiveOutcome,
} from "./receive-context.ts";
import type { Spool } from "./spool.ts";

// One MaskIt delivery: stream and parse the body while hashing it, verify the signature on the
// raw bytes, check the image by its bytes, then commit. Each way out is recorded in the log.

export async function receiveMaskitDelivery(context: ReceiveContext): Promise<ReceiveOutcome> {
  const startedAt = performance.now();
  const facts = describeRequest(context, [MASKIT_SIGNATURE_HEADER]);
  const refuse = (status: "failed" | "rejected", httpStatus: number, reason: string, rawBody: Spool | null = null, answeredReason?: string) =>
    recordRefusal(context, facts, { status, httpStatus, reason, rawBody, startedAt, answeredReason });

  const tooLarge = declaredLengthTooLarge(context);
  if (tooLarge) return refuse("rejected", 413, tooLarge);
  if (!/^multipart\/form-data\s*;/i.test(facts.contentType ?? "")) {
    return refuse("rejected", 415, `Content-Type must be multipart/form-data with a boundary, not "${facts.contentType ?? "none"}"`);
  }
  const verifier = createMaskitVerifier(context.source.secrets);
  let body: MultipartBody;
  try {
    body = await readMultipartBody({
      body: context.body,
      contentType: facts.contentType!,
      maxBytes: context.maxBodyBytes,
      idleTimeoutMs: context.bodyTimeoutMs,
      spoolDir: context.spoolDir,
      onChunk: (chunk) => verifier.update(chunk),
    });
  } catch (error) {
    if (error instanceof BodyTooLargeError) return refuse("rejected", 413, error.message);
    if (error instanceof ClientAbortedError) return refuse("rejected", 400, error.message);
    if (error instanceof BodyTimeoutError) return refuse("rejected", 408, error.message);
    throw error;
  }

  let isSpoolHandedOff = false;
  try {
    Object.assign(facts, {
      bodySha256: body.raw.sha256,
      bodySize: body.raw.size,
      metadata: asStorableText(body.metadata),
      fileName: asStorableText(body.image?.fileName ?? null),
    });
    if (body.parseError) return await refuse("rejected", 400, body.parseError.message, body.raw.spool);
    let match: SignatureMatch;
    try {
      match = verifier.verify(context.headers.get(MASKIT_SIGNATURE_HEADER));
    } catch (error) {
      if (error instanceof SignatureError) {
        const hint =
          error.code === "no_match" || error.code === "no_credentials"
            ? maskitRetiredHint(context.source, await body.raw.spool.toBuffer(), facts.signature)
            : null;
        const answered = error.code === "no_match" || error.code === "no_credentials" ? SIGNATURE_MISMATCH_ANSWER : error.message;
        return await refuse("failed", 401, hint ? `${error.message}; ${hint}` : error.message, body.raw.spool, answered);
      }
      throw error;
    }
    facts.matchedCredential = match.credential;
    const image = body.image;
    if (!image) return await refuse("rejected", 400, "the body has no maskedImage file part", body.raw.spool);
    const mimeType = sniffImageType(image.spool.firstBytes());
    if (!mimeType) {
      return await refuse("rejected", 415, `maskedImage is not a JPEG or PNG by its bytes (declared as ${image.declaredType})`, body.raw.spool);
    }
    const size = await readImageSize(image.spool);
    if (!size) return await refuse("rejected", 415, `maskedImage starts like a ${mimeType} but its header cannot be read`, body.raw.spool);

    const committed = await commitVerifiedDelivery(
      context,
      { ...facts, status: "verified", httpStatus: 200, reason: null, durationMs: performance.now() - startedAt },
      { images: [{ spool: image.spool, sha256: image.sha256, mimeType, ...size, origin: "maskedImage" }] },
      `body:${body.raw.sha256}`,
    );
    if (!committed.isDuplicate && committed.newImages.length > 0) {
      // The renditions job owns the image spool from here and disposes of it when done.
      const input = image.spool.filePath() ?? (await image.spool.toBuffer());
      const { id, image: stored } = committed.newImages[0];
      scheduleRenditions(context, { id, width: stored.width, height: stored.height, byteSize: stored.spool.size }, input, () => body.dispose());
      isSpoolHandedOff = true;
    }
    return { httpStatus: 200, deliveryId: committed.deliveryId, status: "verified", reason: null, isDuplicate: committed.isDuplicate };
  } finally {
    if (!isSpoolHandedOff) await body.dispose();
  }
}

/** PostgreSQL text cannot hold NUL; busboy has already turned invalid UTF-8 into U+FFFD. */
function asStorableText(value: string | null): string | null {
  return value === null ? null : value.replaceAll("\u0000", "\uFFFD");
}
