import { ZodError } from "zod";
import { ForbiddenActionError } from "@/lib/auth/require-operator.ts";
import { SourceError } from "@/lib/sources/errors.ts";
import { isStorageUnavailable } from "@/lib/storage/storage-errors.ts";

/** What the overview's and settings' forms show when an action fails; nothing of a query leaks. */
export function describeActionError(error: unknown, area: string): string {
  if (error instanceof ForbiddenActionError) return `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`;
  if (error instanceof ZodError) return error.issues[0]?.message ?? "Check the form and try again.";
  if (error instanceof SourceError) return error.message;
  if (isStorageUnavailable(error)) return "The database is unavailable right now; nothing was changed. Try again in a moment.";
  // The name and first line only: an error object may carry the query and its parameters.
  console.error(`${area} action failed: ${error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : "unknown error"}`);
  return "Something went wrong on the server and nothing was changed. Try again in a moment.";
}
