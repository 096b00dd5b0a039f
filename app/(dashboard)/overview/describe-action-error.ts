import { ZodError } from "zod";
import { describeActionError as describe } from "@/lib/auth/admin-action.ts";
import { SourceError } from "@/lib/sources/errors.ts";

/** What the overview's and settings' forms show when an action fails; nothing of a query leaks. */
export function describeActionError(error: unknown, area: string): string {
  return describe(error, area, (known) => {
    if (known instanceof ZodError) return known.issues[0]?.message ?? "Check the form and try again.";
    if (known instanceof SourceError) return known.message;
    return null;
  });
}
