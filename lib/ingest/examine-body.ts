import type { IncomingImage, JobFacts } from "../deliveries/delivery-types.ts";
import { readImageSize } from "../images/image-size.ts";
import { sniffImageType } from "../images/image-type.ts";
import { analyseJson, JsonAnalysisLimitError } from "../json-analysis/json-pool.ts";
import type { JsonAcceptance } from "../json-analysis/json-tasks.ts";
import { describeRetiredMatch, findRetiredMatch } from "../schemes/retired-match.ts";
import type { BodyVerifier, CredentialRef, Refusal, Scheme, SchemeContext, SchemeCredential } from "../schemes/scheme.ts";
import type { FilePart, MultipartBody } from "./read-multipart.ts";
import type { SpooledBody } from "./read-body.ts";
import { Spool } from "./spool.ts";

// A body that has been read, judged: the scheme's verdict, then what the body must be and what
// of it is stored, by its shape rather than by its kind. multipart/form-data: the file parts
// that are JPEG or PNG by their bytes go to the gallery (with the scheme's `imagePart` rule,
// that one part must be there and be one); JSON: its verdict and its payload come from the
// JSON worker (the scheme's own `accept`, then the base64 images and the text shown); any other
// body is stored as it is. The receiver (receive-delivery.ts) and re-verification
// (lib/inspection/reverify-delivery.ts) both end here, so they refuse and accept alike.

export type ReadContent =
  | { shape: "multipart"; raw: SpooledBody; multipart: MultipartBody }
  | { shape: "json"; raw: SpooledBody }
  | { shape: "other"; raw: SpooledBody };

export interface ExamineInput {
  scheme: Scheme;
  credentials: SchemeCredential[];
  headers: Headers;
  context: SchemeContext;
  /** What `begin` gave: a refusal, or the verifier that was fed the body (not read for JSON, which is verified in the worker). */
  begun: Refusal | BodyVerifier;
  content: ReadContent;
  spoolDir: string;
}

export type Examined =
  | {
      accepted: false;
      status: "failed" | "rejected";
      httpStatus: number;
      reason: string;
      /** What the sender is told (less than the reason, for a signature that does not match). */
      answered: string;
      /** The credential that verified the signature, when the body was refused after it. */
      credential: CredentialRef | null;
      /** The JSON worker gave up on the body (time or memory). */
      isAnalysisLimit?: boolean;
    }
  | {
      accepted: true;
      credential: CredentialRef;
      form: string | null;
      images: IncomingImage[];
      job: JobFacts | undefined;
      dedupeKey: string;
      /** Whether the raw body is stored with the delivery: JSON and other bodies are; a multipart body whose images were kept is not. */
      keepsRawBody: boolean;
      /** Spools made here (decoded JSON images), for the caller to dispose of. */
      spools: Spool[];
    };

/**
 * What a sender whose signature failed is told: that it did not match, and nothing about the
 * source's credentials (how many, their labels, fingerprints, or when one was revoked). The
 * full reason goes to the log and the inspector.
 */
export const SIGNATURE_MISMATCH_ANSWER = "the signature does not match";

export async function examineBody(input: ExamineInput): Promise<Examined> {
  const { scheme, content } = input;
  if (content.shape === "multipart" && content.multipart.parseError) return rejected(400, content.multipart.parseError.message);
  if ("accepted" in input.begun) return signatureRefused(input.begun, null);
  if (content.shape === "json") return examineJson(input, input.begun);

  const verdict = input.begun.finish();
  if (!verdict.accepted) {
    if (verdict.code === "malformed_body") return rejected(400, verdict.message);
    return signatureRefused(verdict, await retiredHint(input, verdict));
  }
  const { credential } = verdict;
  const base = {
    accepted: true as const,
    credential,
    form: verdict.detail ?? null,
    job: undefined,
    dedupeKey: scheme.dedupeKey(input.headers, undefined, input.context.options) ?? `body:${content.raw.sha256}`,
    spools: [],
  };
  if (content.shape === "other") return { ...base, images: [], keepsRawBody: true };

  const imagePart = scheme.body?.imagePart;
  if (imagePart) {
    const image = content.multipart.image;
    if (!image) return rejected(400, `the body has no ${imagePart} file part`, credential);
    const mimeType = sniffImageType(image.spool.firstBytes());
    if (!mimeType) return rejected(415, `${imagePart} is not a JPEG or PNG by its bytes (declared as ${image.declaredType})`, credential);
    const size = await readImageSize(image.spool);
    if (!size) return rejected(415, `${imagePart} starts like a ${mimeType} but its header cannot be read`, credential);
    return { ...base, images: [{ spool: image.spool, sha256: image.sha256, mimeType, ...size, origin: imagePart }], keepsRawBody: false };
  }
  const images = (await Promise.all(content.multipart.files.map(asImage))).filter((image) => image !== null);
  return { ...base, images, keepsRawBody: images.length === 0 };
}

async function examineJson(input: ExamineInput, verifier: BodyVerifier): Promise<Examined> {
  void verifier; // the worker runs the scheme's accept from the start, begin included
  const { scheme, content, context } = input;
  const rawBody = await content.raw.spool.toBuffer();
  const headers: Record<string, string> = {};
  input.headers.forEach((value, name) => {
    headers[name] = value;
  });
  let checked: JsonAcceptance;
  try {
    // Parsing and every canonical form, in the worker thread: the event loop stays free.
    checked = await analyseJson({
      kind: "accept-json",
      scheme: scheme.kind,
      rawBody,
      headers,
      credentials: input.credentials,
      now: context.now,
      options: context.options,
    });
  } catch (error) {
    if (error instanceof JsonAnalysisLimitError) return { ...rejected(413, error.message), isAnalysisLimit: true };
    throw error;
  }
  if (checked.outcome === "refused") {
    if (checked.refusal.code === "malformed_body") return rejected(400, checked.refusal.message);
    return signatureRefused(checked.refusal, checked.retiredMatch ? describeRetiredMatch(checked.retiredMatch) : null);
  }
  const { acceptance, content: json } = checked;
  const spools: Spool[] = [];
  const images: IncomingImage[] = [];
  for (const image of json?.images ?? []) {
    const spool = new Spool(input.spoolDir, Infinity);
    spools.push(spool);
    await spool.write(Buffer.from(image.bytes));
    const size = await readImageSize(spool);
    // A string that starts like an image but does not decode stays in the payload as text.
    if (size) images.push({ spool, sha256: image.sha256, mimeType: image.mimeType, ...size, origin: image.path });
  }
  const summary = json?.summary ?? { jobId: null, jobStatus: null, provider: null, feature: null, subfeature: null };
  const job = json ? { ...summary, signatureForm: acceptance.detail ?? null, payload: json.displayPayload } : undefined;
  return {
    accepted: true,
    credential: acceptance.credential,
    form: acceptance.detail ?? null,
    images,
    job,
    dedupeKey: json?.dedupeKey ?? `body:${content.raw.sha256}`,
    keepsRawBody: true,
    spools,
  };
}

async function retiredHint(input: ExamineInput, refusal: Refusal): Promise<string | null> {
  if (refusal.code !== "no_match" && refusal.code !== "no_credentials") return null;
  const request = { headers: input.headers, body: await input.content.raw.spool.toBuffer() };
  const retired = findRetiredMatch(input.scheme, request, input.credentials, input.context);
  return retired ? describeRetiredMatch(retired) : null;
}

async function asImage(file: FilePart): Promise<IncomingImage | null> {
  const mimeType = sniffImageType(file.spool.firstBytes());
  const size = mimeType ? await readImageSize(file.spool) : null;
  return mimeType && size ? { spool: file.spool, sha256: file.sha256, mimeType, ...size, origin: file.field } : null;
}

function signatureRefused(refusal: Refusal, hint: string | null): Examined {
  const answered = refusal.code === "no_match" || refusal.code === "no_credentials" ? SIGNATURE_MISMATCH_ANSWER : refusal.message;
  return { accepted: false, status: "failed", httpStatus: 401, reason: hint ? `${hint}; ${refusal.message}` : refusal.message, answered, credential: null };
}

function rejected(httpStatus: number, reason: string, credential: CredentialRef | null = null): Examined & { accepted: false } {
  return { accepted: false, status: "rejected", httpStatus, reason, answered: reason, credential };
}
