import { clientAddress } from "../http/client-address.ts";
import { isStorageUnavailable } from "../storage/storage-errors.ts";
import type { Operator } from "./operator.ts";
import { ForbiddenActionError, requireActionOperator } from "./require-operator.ts";

// The frame of every admin server action: who is acting (the signed-in admin) and from where,
// for the change's audit entry, and an answer in words for whatever went wrong.

export type ActionOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

export type AdminWork<T> = (changedBy: { actor: Operator; ip: string }) => Promise<T>;

/**
 * Runs `work` as the signed-in admin. The errors an operator can act on become a sentence: a
 * refused role or an ended session, the database being unavailable, and whatever `explain`
 * knows of the area's own errors (null for the rest). Anything else is logged by its name and
 * first line only (an error object may carry a query and its parameters) and told generically.
 */
export async function runAsAdmin<T>(area: string, explain: (error: unknown) => string | null, work: AdminWork<T>): Promise<ActionOutcome<T>> {
  try {
    const actor = await requireActionOperator("admin");
    return { ok: true, value: await work({ actor, ip: await clientAddress() }) };
  } catch (error) {
    return { ok: false, error: describeActionError(error, area, explain) };
  }
}

/** The sentence for a failed action (see runAsAdmin). */
export function describeActionError(error: unknown, area: string, explain: (error: unknown) => string | null = () => null): string {
  // "This needs the admin role." or "Your session has ended: sign in again."
  if (error instanceof ForbiddenActionError) return `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`;
  const explained = explain(error);
  if (explained) return explained;
  if (isStorageUnavailable(error)) return "The database is unavailable right now; nothing was changed. Try again in a moment.";
  console.error(`${area} action failed: ${error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : "unknown error"}`);
  return "Something went wrong on the server and nothing was changed. Try again in a moment.";
}
