import { z } from "zod";
import type { SchemeOptions } from "../scheme.ts";
import { parseSchemeOptions, SchemeOptionsError, toleranceSecondsSchema } from "../common/options.ts";

// The generic `hmac` kind's options: where the signature is, how it is computed and written,
// what is signed, and what identifies a delivery for deduplication.

export const HMAC_ALGORITHMS = ["sha256", "sha384", "sha512", "sha1"] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

/** Digest sizes in bytes: a signature of another size cannot be this algorithm's. */
export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const headerName = (what: string) =>
  z
    .string({ error: `${what} must be a header name` })
    .regex(HEADER_NAME, `${what} must be a header name (letters, digits and - only)`)
    .transform((name) => name.toLowerCase());

const schema = z.object({
  header: headerName("header"),
  algorithm: z.enum(HMAC_ALGORITHMS, { error: "algorithm must be sha256, sha384, sha512 or sha1" }).default("sha256"),
  encoding: z.enum(["hex", "base64"], { error: "encoding must be hex or base64" }).default("hex"),
  prefix: z
    .string()
    .max(32, "prefix must have at most 32 characters")
    .regex(/^[\x21-\x7e]*$/, "prefix must be printable ASCII without spaces")
    .default(""),
  signedString: z.enum(["body", "timestamp.body"], { error: 'signedString must be "body" or "timestamp.body"' }).default("body"),
  timestampHeader: headerName("timestampHeader").optional(),
  toleranceSeconds: toleranceSecondsSchema,
  dedupeJsonField: z
    .string()
    .regex(/^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*$/, "dedupeJsonField must be a field name or a dotted path such as data.id")
    .optional(),
  dedupeHeader: headerName("dedupeHeader").optional(),
});

export type HmacOptions = SchemeOptions & z.infer<typeof schema>;

export function parseHmacOptions(input: unknown): HmacOptions {
  if (input === null || input === undefined) throw new SchemeOptionsError("hmac sources need options: at least header");
  const options = parseSchemeOptions("hmac", schema, input);
  if (options.signedString === "timestamp.body" && !options.timestampHeader)
    throw new SchemeOptionsError('timestampHeader is required when signedString is "timestamp.body"');
  if (options.signedString === "body" && options.timestampHeader) throw new SchemeOptionsError('timestampHeader is only for signedString "timestamp.body"');
  if (options.dedupeJsonField && options.dedupeHeader) throw new SchemeOptionsError("give dedupeJsonField or dedupeHeader, not both");
  return options;
}
