import { createPublicKey } from "node:crypto";
import { performance } from "node:perf_hooks";
import { commitVerifiedDelivery, type IncomingImage } from "../deliveries/record-delivery.ts";
import { readImageSize } from "../images/image-size.ts";
import { scheduleRenditions } from "../images/renditions.ts";
import { InvalidJsonError, parseJsonPreservingOrder, toPlainJson, type JsonNode } from "../signatures/edenai-canonical.ts";
import { EDENAI_SIGNATURE_HEADERS, verifyEdenaiSignature } from "../signatures/edenai.ts";
import { SignatureError, type SignatureMatch } from "../signatures/types.ts";
import { describeJob, extractEmbeddedImages } from "./edenai-payload.ts";
import { BodyTooLargeError, ClientAbortedError } from "./errors.ts";
import { readBody, type SpooledBody } from "./read-body.ts";
import { edenaiRetiredHint } from "./retired-credential-hint.ts";
import { declaredLengthTooLarge, describeRequest, recordRefusal, type ReceiveContext, type ReceiveOutcome } from "./receive-context.ts";
import { currentCredentials } from "./source-cache.ts";
import { Spool } from "./spool.ts";

// One Eden AI job result: read the JSON body, parse it once (keeping number literals and key
// order), verify the RSA signature over each candidate canonical form, then commit the payload
// as received, the fields the log shows, and any base64 images it carries. A repeated job id
// is answered with the first delivery's id.

export async function receiveEdenaiDelivery(context: ReceiveContext): Promise<ReceiveOutcome> {
  const startedAt = performance.now();
  const facts = describeRequest(context, EDENAI_SIGNATURE_HEADERS);
  const refuse = (status: "failed" | "rejected", httpStatus: number, reason: string, rawBody: Spool | null = null) =>
    recordRefusal(context, facts, { status, httpStatus, reason, rawBody, startedAt });

  const tooLarge = declaredLengthTooLarge(context);
  if (tooLarge) return refuse("rejected", 413, tooLarge);
  if (!/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(facts.contentType ?? "")) {
    return refuse("rejected", 415, `Content-Type must be application/json, not "${facts.contentType ?? "none"}"`);
  }
  let body: SpooledBody;
  try {
    body = await readBody({ body: context.body, maxBytes: context.maxBodyBytes, spoolDir: context.spoolDir });
  } catch (error) {
    if (error instanceof BodyTooLargeError) return refuse("rejected", 413, error.message);
    if (error instanceof ClientAbortedError) return refuse("rejected", 400, error.message);
    throw error;
  }

  const imageSpools: Spool[] = [];
  try {
    Object.assign(facts, { bodySha256: body.sha256, bodySize: body.size });
    const bytes = await body.spool.toBuffer();
    let tree: JsonNode;
    try {
      tree = parseJsonPreservingOrder(bytes);
    } catch (error) {
      if (error instanceof InvalidJsonError) return await refuse("rejected", 400, error.message, body.spool);
      throw error;
    }
    context.source = await currentCredentials(context.pool, context.source);
    const keys = context.source.publicKeys.map(({ pem, ...credential }) => ({ ...credential, key: createPublicKey(pem) }));
    let match: SignatureMatch & { form: string };
    try {
      match = verifyEdenaiSignature({ rawBody: bytes, headers: context.headers, keys, tree });
    } catch (error) {
      if (error instanceof SignatureError) {
        const hint = error.code === "no_match" || error.code === "no_credentials" ? edenaiRetiredHint(context.source, bytes, context.headers, tree) : null;
        return await refuse("failed", 401, hint ? `${error.message}; ${hint}` : error.message, body.spool);
      }
      throw error;
    }
    facts.matchedCredential = match.credential;

    const plain = toPlainJson(tree);
    const { images: embedded, displayPayload } = extractEmbeddedImages(plain);
    const images: IncomingImage[] = [];
    for (const image of embedded) {
      const spool = new Spool(context.spoolDir, Infinity);
      imageSpools.push(spool);
      await spool.write(image.bytes);
      const size = await readImageSize(spool);
      // A string that starts like an image but does not decode stays in the payload as text.
      if (size) images.push({ spool, sha256: image.sha256, mimeType: image.mimeType, ...size, origin: image.path });
    }
    const job = { ...describeJob(plain), signatureForm: match.form, payload: displayPayload };
    const committed = await commitVerifiedDelivery(
      context,
      { ...facts, job, status: "verified", httpStatus: 200, reason: null, durationMs: performance.now() - startedAt },
      { images, rawBody: body.spool },
      job.jobId ? `job:${job.jobId}` : `body:${body.sha256}`,
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
