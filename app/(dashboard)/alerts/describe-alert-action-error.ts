import { AlertInputError } from "@/lib/alerts/alert-errors.ts";
import { describeActionError } from "../overview/describe-action-error.ts";

/** The overview's rule for action errors, plus the alerts' own input errors shown as they are. */
export function describeAlertActionError(error: unknown): string {
  if (error instanceof AlertInputError) return error.message;
  return describeActionError(error, "alerts");
}
