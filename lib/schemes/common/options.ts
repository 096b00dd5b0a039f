import { z } from "zod";
import type { SchemeOptions } from "../scheme.ts";
import { DEFAULT_TOLERANCE_SECONDS } from "./timestamps.ts";

// Per-source options arrive from the CLI, a form or the database's `scheme_options` column;
// each scheme states its own with zod, and a bad one is refused with its name in the message.

export class SchemeOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SchemeOptionsError";
  }
}

/** One day at most: a longer window makes the replay protection meaningless. */
export const toleranceSecondsSchema = z
  .number({ error: "toleranceSeconds must be a number of seconds" })
  .int("toleranceSeconds must be a whole number of seconds")
  .min(1, "toleranceSeconds must be at least 1")
  .max(86_400, "toleranceSeconds must be at most 86400 (one day)")
  .default(DEFAULT_TOLERANCE_SECONDS);

/** Parses `input` (null or undefined: no options given) with `schema`, unknown keys refused. */
export function parseSchemeOptions<T extends z.ZodObject>(kind: string, schema: T, input: unknown): SchemeOptions & z.infer<T> {
  const result = schema.strict().safeParse(input ?? {});
  if (result.success) return Object.freeze(result.data) as SchemeOptions & z.infer<T>;
  const messages = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") return `${kind} sources have no option ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
    const path = issue.path.join(".");
    return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
  });
  throw new SchemeOptionsError(messages.join("; "));
}
