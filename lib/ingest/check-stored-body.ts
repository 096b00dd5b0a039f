import { Readable } from "node:stream";
import type { IncomingImage, JobFacts } from "../deliveries/delivery-types.ts";
import { bodyShape, contentTypeRefusal } from "../schemes/body-shape.ts";
import type { ReceivingSource } from "../sources/find-receiving-source.ts";
import { examineBody, type ReadContent } from "./examine-body.ts";
import { readBody } from "./read-body.ts";
import { readMultipartBody } from "./read-multipart.ts";
import type { Spool } from "./spool.ts";
import { schemeFor } from "../schemes/index.ts";
import type { BodyVerifier, CredentialRef, Refusal } from "../schemes/scheme.ts";

// A stored (quarantined) body checked again exactly as the receiver checks a request, for
// re-verification (lib/inspection/reverify-delivery.ts): its bytes read by the receiver's
// readers, then the receiver's own judgement (examine-body.ts: the scheme's accept, the body
// rules, the images). Either it is refused again, with the receiver's reason, or it is what the
// storing step stores. The one door from lib/inspection into the receiver's internals.

export type BodyCheck =
  | { isAccepted: false; outcome: "no_match" | "still_refused"; reason: string; credential: CredentialRef | null }
  | {
      isAccepted: true;
      credential: CredentialRef;
      form: string | null;
      images: IncomingImage[];
      job: JobFacts | null;
      dedupeKey: string;
      /** A JSON or other body stays as the verified delivery's raw body; a multipart one whose images were kept does not. */
      keepsRawBody: boolean;
      dispose(): Promise<void>;
    };

export async function checkStoredBody({
  source,
  rawBody,
  headers,
  spoolDir,
  receivedAt,
}: {
  source: ReceivingSource;
  /** When the delivery arrived: a signed timestamp is checked against that, not against now. */
  receivedAt: Date;
  rawBody: Buffer;
  headers: Headers;
  spoolDir: string;
}): Promise<BodyCheck> {
  const scheme = schemeFor(source.kind);
  const contentType = headers.get("content-type");
  const wrongType = contentTypeRefusal(scheme, contentType);
  if (wrongType) return { isAccepted: false, outcome: "still_refused", reason: wrongType, credential: null };
  const shape = bodyShape(scheme, contentType);
  const context = { now: receivedAt, options: source.options };
  const begun = scheme.begin(headers, source.credentials, context);
  const verifier = shape !== "json" && !("accepted" in begun) ? (begun as BodyVerifier) : null;
  const reading = { body: Readable.from([rawBody]), maxBytes: Infinity, spoolDir, onChunk: verifier ? (chunk: Buffer) => verifier.update(chunk) : undefined };
  let content: ReadContent;
  // The body's spools (raw, and each file part's) go with the body; decoded JSON images are added below.
  const spools: Spool[] = [];
  if (shape === "multipart") {
    const multipart = await readMultipartBody({ ...reading, contentType: contentType ?? "", imagePart: scheme.body?.imagePart });
    content = { shape, raw: multipart.raw, multipart };
  } else {
    content = { shape, raw: await readBody(reading) } as ReadContent;
  }
  const body = content;
  const dispose = () =>
    Promise.all([body.shape === "multipart" ? body.multipart.dispose() : body.raw.spool.dispose(), ...spools.map((spool) => spool.dispose())]).then(() => {});
  try {
    const examined = await examineBody({
      scheme,
      credentials: source.credentials,
      headers,
      context,
      begun: begun as Refusal | BodyVerifier,
      content,
      spoolDir,
    });
    if (!examined.accepted) {
      await dispose();
      return {
        isAccepted: false,
        outcome: examined.status === "failed" ? "no_match" : "still_refused",
        reason: examined.reason,
        credential: examined.credential,
      };
    }
    spools.push(...examined.spools);
    const { credential, form, images, job, dedupeKey, keepsRawBody } = examined;
    return { isAccepted: true, credential, form, images, job: job ?? null, dedupeKey, keepsRawBody, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
