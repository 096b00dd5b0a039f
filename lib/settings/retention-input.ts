import { z } from "zod";
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from "./retention-limits.ts";

// How long stored bytes are kept, in whole days, or null for "keep forever" (the default, so
// that nothing is deleted until an admin asks for it). Stored in `settings` under these keys,
// each as `{"days": 30}` or `{"days": null}`.

export const RETENTION_KEYS = { quarantineDays: "retention.quarantine_days", imageDays: "retention.image_days" } as const;

// The limits and shape live in a module without zod, so that the Settings form (a client
// component) can import them without shipping zod, whose start-up probe for \`Function("")\`
// is an eval that the Content-Security-Policy refuses.
export { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, type RetentionSettings } from "./retention-limits.ts";
export const retentionDaysSchema = z
  .number("Enter a number of days.")
  .int("Enter a whole number of days.")
  .min(MIN_RETENTION_DAYS, `Keep things at least ${MIN_RETENTION_DAYS} day, or choose “keep forever”.`)
  .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days (ten years); for longer, choose “keep forever”.`)
  .nullable();

export const retentionSettingsSchema = z.object({ quarantineDays: retentionDaysSchema, imageDays: retentionDaysSchema });
