import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { assertSha256, BlobNotFoundError, BlobStoreConfigError, type BlobBody, type BlobStore, type ByteRange, type ListedBlob } from "./blob-store.ts";
import { isStorageUnavailable, StorageUnavailableError } from "./storage-errors.ts";

// BLOB_STORE=s3: blobs as objects in a bucket of any S3-compatible store (AWS S3, MinIO, Ceph,
// R2, s3rver in the tests), keyed <prefix>blobs/ab/cd/abcd… like the filesystem store's folders.
// An object PUT is atomic and durable once answered, so put() needs no temporary objects.

const WHICH = "the s3 blob store";
const SHA256_NAME = /^[0-9a-f]{64}$/;
/** Bodies above this go up as a multipart Upload, in parts of this size; smaller ones in one PutObject. */
const MULTIPART_THRESHOLD = 8 * 1024 * 1024;
/** PUTs of one batch in flight at once: enough to hide round trips, few enough not to starve the receiver. */
const PUT_CONCURRENCY = 4;
/** Tries of a request in all (the SDK's backoff between them is well under a second). */
const ATTEMPTS = 2;
/** How long a request without a body to send may wait for its answer to begin. */
const ANSWER_TIMEOUT = { requestTimeout: 10_000 };
const READ_CHUNK = 1024 * 1024;

export interface S3StoreOptions {
  bucket: string;
  /** Omitted for AWS S3 itself. */
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Key prefix inside the bucket ("webhook-inbox/"); a missing trailing slash is added. */
  prefix?: string;
  /** Omitted: the SDK's standard chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function createS3Store(options: S3StoreOptions): BlobStore {
  const bucket = options.bucket;
  const region = options.region || "us-east-1";
  const endpoint = options.endpoint?.replace(/\/+$/, "") || undefined;
  const prefix = options.prefix && !options.prefix.endsWith("/") ? `${options.prefix}/` : (options.prefix ?? "");
  const where = endpoint ?? "AWS S3";
  const keyOf = (sha256: string) => {
    assertSha256(sha256);
    return `${prefix}blobs/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  };

  const client = new S3Client({
    region,
    endpoint,
    forcePathStyle: options.forcePathStyle ?? false,
    credentials: options.credentials,
    // A down store must become a 503 within seconds, not after the SDK's default of waiting
    // forever: a refused or reset connection fails at once and is tried once more; connecting
    // gives up after 3 s; a stream that stalls for 30 s fails. A request's answer must begin
    // within 30 s of sending it (an upload's body included), or 10 s (ANSWER_TIMEOUT) for the
    // ones with nothing to upload. So a server that accepts connections and then hangs costs
    // at most 2 × 10 s on reads and 2 × 30 s on writes; a stopped one well under a second.
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 30_000, socketTimeout: 30_000, throwOnRequestTimeout: true },
    maxAttempts: ATTEMPTS,
    // The SDK's default CRC32 trailers (aws-chunked uploads) are not understood by many
    // S3-compatible stores; integrity comes from the signed SHA-256 payload hash instead (putOne).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    logger: quietLogger,
  });

  // Concurrent puts of one blob in this process (the same image delivered twice at once) share one upload.
  const inFlight = new Map<string, Promise<void>>();

  async function putOne(sha256: string, body: BlobBody): Promise<void> {
    const Key = keyOf(sha256);
    if (body.size > MULTIPART_THRESHOLD) {
      // Upload cuts the stream into Buffer parts, which the SDK itself can retry one by one.
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key, Body: openBody(body), ContentType: "application/octet-stream" },
        partSize: MULTIPART_THRESHOLD,
        queueSize: 2,
        leavePartsOnError: false,
      });
      await upload.done();
      return;
    }
    // The SDK never retries a request whose body is a stream (it cannot rewind it), so a
    // streamed PutObject is retried here, from a fresh stream each time.
    for (let attempt = 1; ; attempt++) {
      const command = new PutObjectCommand({ Bucket: bucket, Key, Body: openBody(body), ContentLength: body.size, ContentType: "application/octet-stream" });
      // The blob's name is the SHA-256 of its bytes, which is what SigV4 signs as the payload
      // hash: the SDK need not read the stream twice, and the store refuses a body that does
      // not match its name (AWS answers XAmzContentSHA256Mismatch) instead of storing it.
      command.middlewareStack.add(
        (next) => async (args) => {
          (args.request as { headers: Record<string, string> }).headers["x-amz-content-sha256"] = sha256;
          return next(args);
        },
        { step: "build", name: "blobPayloadHash" },
      );
      try {
        await client.send(command);
        return;
      } catch (error) {
        (command.input.Body as Readable).destroy();
        if (attempt >= ATTEMPTS || !isTransient(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 4 ** (attempt - 1)));
      }
    }
  }

  function putShared(sha256: string, body: BlobBody): Promise<void> {
    let pending = inFlight.get(sha256);
    if (!pending) {
      pending = putOne(sha256, body).finally(() => inFlight.delete(sha256));
      inFlight.set(sha256, pending);
    }
    return pending;
  }

  return {
    driver: "s3",

    async open() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }), ANSWER_TIMEOUT);
      } catch (error) {
        throw openError(error, { bucket, region, where, endpoint });
      }
      return `s3:${endpoint ?? "aws"}/${bucket}/${prefix}`;
    },

    async put(blobs) {
      // Just PUT, no HEAD first. Same name, same bytes, so overwriting is harmless, it saves a
      // round trip on every new blob (the common case), and it renews the object's
      // LastModified: a blob that sat orphaned for days and is now referenced again looks
      // young to the orphan sweep until the commit that references it has landed.
      const unique = [...new Map(blobs.map((blob) => [blob.sha256, blob])).values()];
      for (const { sha256 } of unique) keyOf(sha256);
      await runLimited(unique, PUT_CONCURRENCY, async ({ sha256, body }) => {
        try {
          await putShared(sha256, body);
        } catch (error) {
          throw translate(error);
        }
      });
    },

    async get(sha256, range) {
      let response: GetObjectCommandOutput;
      try {
        response = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: keyOf(sha256), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
          ANSWER_TIMEOUT,
        );
      } catch (error) {
        if (isNotFound(error)) throw new BlobNotFoundError(sha256);
        throw translate(error);
      }
      return exactly(response, range);
    },

    async stat(sha256) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }), ANSWER_TIMEOUT);
        return { size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw translate(error);
      }
    },

    async delete(sha256) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }), ANSWER_TIMEOUT);
      } catch (error) {
        // S3 answers 204 for a missing key; some compatible stores answer 404.
        if (!isNotFound(error)) throw translate(error);
      }
    },

    async *list() {
      let ContinuationToken: string | undefined;
      do {
        const page = await client
          .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}blobs/`, ContinuationToken }), ANSWER_TIMEOUT)
          .catch((error: unknown) => {
            throw translate(error);
          });
        for (const object of page.Contents ?? []) {
          const sha256 = object.Key?.slice(object.Key.lastIndexOf("/") + 1) ?? "";
          // Anything else someone put under the prefix is not ours to report (or to sweep).
          if (!SHA256_NAME.test(sha256) || object.Key !== keyOf(sha256)) continue;
          yield { sha256, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) } satisfies ListedBlob;
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },

    async close() {
      client.destroy();
    },
  };
}

/** BLOB_STORE=s3 from the environment: S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE, S3_PREFIX, AWS_*. */
export function s3StoreFromEnv(env: Record<string, string | undefined> = process.env): BlobStore {
  if (!env.S3_BUCKET) throw new BlobStoreConfigError("BLOB_STORE=s3 needs S3_BUCKET (and S3_ENDPOINT for a store other than AWS S3)");
  // Keys given in this env object are used as they are (it need not be process.env, whose
  // keys the SDK's own chain reads anyway); otherwise the standard chain finds them.
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined }
      : undefined;
  return createS3Store({
    bucket: env.S3_BUCKET,
    endpoint: env.S3_ENDPOINT || undefined,
    region: env.S3_REGION || "us-east-1",
    forcePathStyle: /^(1|true)$/i.test(env.S3_FORCE_PATH_STYLE ?? ""),
    prefix: env.S3_PREFIX || undefined,
    credentials,
  });
}

/** A fresh stream of the body: from its file when it has one (no copy through the spool), else from its chunks. */
function openBody(body: BlobBody): Readable {
  const file = body.filePath();
  return file ? createReadStream(file, { highWaterMark: READ_CHUNK }) : Readable.from(body.chunks(READ_CHUNK), { objectMode: false });
}

/**
 * The bytes asked for, whatever the server sent: some S3-compatible servers ignore a Range
 * (answering 200 with everything) or mishandle one (s3rver sends the whole object for
 * "bytes=0-0"), so the body is trimmed to the range it should have been. Also turns a
 * connection lost mid-body into StorageUnavailableError and a short body into an error, not
 * a silently truncated image.
 */
function exactly(response: GetObjectCommandOutput, range: ByteRange | undefined): Readable {
  const source = response.Body as Readable;
  let skip = 0;
  let take = Number.POSITIVE_INFINITY;
  if (range) {
    const served = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.ContentRange ?? "");
    const servedStart = served ? Number(served[1]) : 0;
    const size = served && served[3] !== "*" ? Number(served[3]) : served ? Number.POSITIVE_INFINITY : (response.ContentLength ?? Number.POSITIVE_INFINITY);
    skip = range.start - servedStart;
    // Past the end is clamped, as HTTP does; callers check ranges against the size first anyway.
    take = Math.max(0, Math.min(range.end, size - 1) - range.start + 1);
    if (skip < 0) {
      source.destroy();
      throw new Error(`${WHICH} answered bytes from ${servedStart} for a range from ${range.start}`);
    }
  } else if (response.ContentLength !== undefined) {
    take = response.ContentLength;
  }
  async function* slice(): AsyncGenerator<Buffer> {
    try {
      for await (const piece of source) {
        let chunk = piece as Buffer;
        if (skip > 0) {
          const skipped = Math.min(skip, chunk.length);
          chunk = chunk.subarray(skipped);
          skip -= skipped;
        }
        if (chunk.length > take) chunk = chunk.subarray(0, take);
        take -= chunk.length;
        if (chunk.length > 0) yield chunk;
        if (take === 0) return; // leaving the loop destroys the rest of the response
      }
    } catch (error) {
      throw translate(error);
    }
    if (take > 0 && Number.isFinite(take)) throw new StorageUnavailableError(new Error(`the body ended ${take} bytes short`), WHICH);
  }
  return Readable.from(slice(), { objectMode: false });
}

async function runLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  // After a failure no further item is started (a down store would fail them all, one timeout
  // after another), but the ones under way are waited for: put() leaves nothing running.
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      await run(item).catch((error: unknown) => {
        failure ??= { error };
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

const NETWORK_CODES = new Set(["ECONNABORTED", "ENETUNREACH", "ENETDOWN", "EADDRNOTAVAIL", "ERR_STREAM_PREMATURE_CLOSE", "UND_ERR_SOCKET"]);

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** The store cannot answer now (down, unreachable, overloaded, too slow), as opposed to refusing the request. */
function isTransient(error: unknown): boolean {
  if (error instanceof StorageUnavailableError) return true;
  const status = statusOf(error);
  if (status !== undefined && status > 0) return status >= 500 || status === 408 || status === 429;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === "TimeoutError" || (typeof code === "string" && NETWORK_CODES.has(code)) || isStorageUnavailable(error);
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  // A missing bucket is a configuration problem, not a missing blob.
  return name === "NoSuchKey" || name === "NotFound" || (statusOf(error) === 404 && name !== "NoSuchBucket");
}

function translate(error: unknown): unknown {
  if (error instanceof StorageUnavailableError || error instanceof BlobNotFoundError) return error;
  return isTransient(error) ? new StorageUnavailableError(error, WHICH) : error;
}

function openError(
  error: unknown,
  { bucket, region, where, endpoint }: { bucket: string; region: string; where: string; endpoint?: string },
): BlobStoreConfigError {
  const status = statusOf(error);
  const { name, message } = error as { name?: string; message?: string };
  const detail = `${name ?? "Error"}${message && message !== name && message !== "UnknownError" ? `: ${message}` : ""}`;
  const say = (text: string) => new BlobStoreConfigError(`${text} (${detail})`, { cause: error });
  if (name === "CredentialsProviderError")
    return say(`the s3 blob store found no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)`);
  if (status === 404 || name === "NoSuchBucket" || name === "NotFound")
    return say(`S3_BUCKET=${bucket}: ${where} has no such bucket; create it or fix S3_BUCKET`);
  if (status === 401 || status === 403)
    return say(`${where} refuses these AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) for S3_BUCKET=${bucket}`);
  if (status === 301 || name === "PermanentRedirect") return say(`S3_REGION=${region}: bucket ${bucket} is in another region`);
  if (status !== undefined && status > 0)
    return say(`${where} answered ${status} for S3_BUCKET=${bucket}; check S3_ENDPOINT, S3_REGION and S3_FORCE_PATH_STYLE`);
  return say(`${endpoint ? `S3_ENDPOINT=${endpoint}` : `AWS S3 (S3_REGION=${region})`} cannot be reached; check S3_ENDPOINT`);
}

// Given no logger, the SDK prints to the console. Every failed command is thrown to the caller,
// who decides what to log (a 503 is logged once by the receiver), so its error log is dropped;
// so is the warning that comes with every streamed PUT that fails ("non-retryable streaming
// request"), which putOne retries itself. Other warnings still reach the console.
const quietLogger = {
  debug() {},
  info() {},
  warn(...args: unknown[]) {
    if (!args.some((arg) => typeof arg === "string" && arg.includes("non-retryable streaming request"))) console.warn(...args);
  },
  error() {},
};
