import { z } from "zod";
import { SOURCE_KINDS } from "./kind-names.ts";

// Validation shared by the CLI and the operator UI/API when a source is created.

export const sourceKindSchema = z.enum(SOURCE_KINDS, { error: `kind must be one of ${SOURCE_KINDS.join(", ")}` });

export const slugSchema = z
  .string()
  .min(2, "slug must have at least 2 characters")
  .max(64, "slug must have at most 64 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "slug may contain lowercase letters, digits and inner hyphens only");

/** A shared secret as an operator pastes it: any bytes, but long enough to resist guessing. */
export const sharedSecretSchema = z
  .string()
  .transform((value) => value.replace(/\r?\n$/, ""))
  .pipe(z.string().min(16, "a shared secret must have at least 16 characters").max(1024));
