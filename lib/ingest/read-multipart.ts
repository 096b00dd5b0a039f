import { createHash } from "node:crypto";
import { once } from "node:events";
import Busboy from "busboy";
import { MalformedBodyError } from "./errors.ts";
import { readBody, type ReadBodyOptions, type SpooledBody } from "./read-body.ts";
import { Spool } from "./spool.ts";

// Reads a multipart body in one pass (see read-body.ts): every chunk is also handed to the
// signature verifier and parsed by busboy, whose file parts go to spools of their own. With
// `imagePart` (MaskIt's maskedImage) only that part is kept, and only once; without it, every
// file part is. Nothing here trusts the body: the caller decides on the signature once the
// last byte is in, and on which files are images by their bytes.

export const METADATA_FIELD = "metadata";
const MAX_METADATA_BYTES = 1024 * 1024;

type SpooledPart = SpooledBody;
export type FilePart = SpooledPart & { field: string; declaredType: string; fileName: string | null };

export interface MultipartBody {
  raw: SpooledPart;
  metadata: string | null;
  /** The `imagePart`, when one was asked for and sent. */
  image: FilePart | null;
  /** Every file part kept, in body order (just the `imagePart` when one was asked for). */
  files: FilePart[];
  /** Set when the body is not well-formed multipart; the raw body is still complete. */
  parseError: MalformedBodyError | null;
  dispose(): Promise<void>;
  /** Everything but `raw`, which the caller keeps. */
  disposeParts(): Promise<void>;
}

export interface ReadMultipartOptions extends ReadBodyOptions {
  contentType: string;
  onChunk?: (chunk: Buffer) => void;
  /** The one file part to keep (matched case-insensitively); without it, all file parts are kept. */
  imagePart?: string;
}

export async function readMultipartBody(options: ReadMultipartOptions): Promise<MultipartBody> {
  const parts = createPartCollector(options);
  let raw: SpooledPart | undefined;
  try {
    raw = await readBody({
      ...options,
      onChunk: async (chunk) => {
        options.onChunk?.(chunk);
        await parts.write(chunk);
      },
    });
    await parts.end();
  } catch (error) {
    await Promise.all([parts.abort(), raw?.spool.dispose()]);
    throw error;
  }
  return {
    raw,
    metadata: parts.metadata,
    image: parts.image,
    files: parts.files,
    parseError: parts.error,
    dispose: () => Promise.all([raw.spool.dispose(), parts.dispose()]).then(() => {}),
    disposeParts: () => parts.dispose(),
  };
}

/** The parser side: busboy fed chunk by chunk, its parts collected; errors become `error`. */
function createPartCollector({ contentType, spoolDir, imagePart }: ReadMultipartOptions) {
  const imageField = imagePart?.toLowerCase();
  const state = {
    metadata: null as string | null,
    image: null as MultipartBody["image"],
    files: [] as FilePart[],
    error: null as MalformedBodyError | null,
    spoolError: null as Error | null,
  };
  const imageJobs: Promise<void>[] = [];
  const imageSpools: Spool[] = [];
  let parser: Busboy.Busboy | undefined;
  // The first refusal stops the parser for good: no more chunks reach it, so a part it was
  // streaming (the image) would never end and the request would wait on it forever.
  // Destroying busboy ends that part's stream with an error and closes the parser.
  const fail = (message: string) => {
    state.error ??= new MalformedBodyError(message);
    stopParser(state.error);
  };
  const stopParser = (error: Error) => {
    if (parser && !parser.destroyed) parser.destroy(error);
  };
  try {
    parser = Busboy({
      headers: { "content-type": contentType },
      limits: { fieldSize: MAX_METADATA_BYTES, parts: 64, files: 8 },
    });
  } catch (error) {
    fail(`Content-Type is not usable multipart: ${(error as Error).message}`);
  }
  const parsed = parser ? once(parser, "close").catch(() => {}) : Promise.resolve();

  parser?.on("error", (error: Error) => fail(`malformed multipart body: ${error.message}`));
  parser?.on("partsLimit", () => fail("too many parts in the multipart body"));
  parser?.on("filesLimit", () => fail("too many files in the multipart body"));
  parser?.on("field", (name, value, info) => {
    if (name.toLowerCase() !== METADATA_FIELD) return;
    if (state.metadata !== null) return fail("more than one metadata part");
    if (info.valueTruncated) return fail(`metadata is longer than ${MAX_METADATA_BYTES} bytes`);
    state.metadata = value;
  });
  parser?.on("file", (name, stream, info) => {
    stream.on("error", (error: Error) => fail(`malformed multipart body: ${error.message}`));
    // busboy finishes parsing the chunk in hand after being destroyed, and may still open a part.
    if (state.error || (imageField !== undefined && name.toLowerCase() !== imageField)) return void stream.resume();
    if (imageField !== undefined && (state.image || imageSpools.length)) {
      stream.resume();
      return fail(`more than one ${imagePart} part`);
    }
    const spool = new Spool(spoolDir);
    const position = imageSpools.push(spool) - 1;
    imageJobs.push(
      (async () => {
        const hash = createHash("sha256");
        for await (const chunk of stream) {
          hash.update(chunk);
          await spool.write(chunk);
        }
        // The client's filename is kept as text for display only, never used as a path.
        const file = { spool, sha256: hash.digest("hex"), size: spool.size, field: name, declaredType: info.mimeType, fileName: info.filename ?? null };
        state.files[position] = file;
        if (imageField !== undefined) state.image = file;
      })().catch((error: NodeJS.ErrnoException) => {
        // The spool's disk is full: not the sender's fault, so not a 400 (the receiver answers 503).
        if (error.code === "ENOSPC" || error.code === "EDQUOT") state.spoolError ??= error;
        fail(`malformed multipart body: ${error.message}`);
      }),
    );
  });

  return {
    get metadata() {
      return state.metadata;
    },
    get image() {
      return state.error ? null : state.image;
    },
    get files() {
      return state.error ? [] : state.files.filter(Boolean);
    },
    get error() {
      return state.error;
    },
    async write(chunk: Buffer) {
      if (!parser || state.error) return;
      // A refusal while waiting for `drain` is read from state.error, not thrown from here.
      if (!parser.write(chunk) && !state.error) await Promise.race([once(parser, "drain").catch(() => {}), parsed]);
    },
    async end() {
      if (parser && !state.error) {
        parser.end();
        await parsed;
      }
      await Promise.all(imageJobs);
      if (state.spoolError) throw state.spoolError;
    },
    /** The body could not be read to its end (too large, the sender went away): stop and clean up. */
    async abort() {
      stopParser(new MalformedBodyError("the body was not read to its end"));
      await Promise.all(imageJobs);
      await Promise.all(imageSpools.map((spool) => spool.dispose()));
    },
    async dispose() {
      await Promise.all(imageSpools.map((spool) => spool.dispose()));
    },
  };
}
