import { z } from "zod";

// How long stored bytes are kept, in whole days, or null for "keep forever" (the default, so
// that nothing is deleted until an admin asks for it). Stored in `settings` under these keys,
// each as `{"days": 30}` or `{"days": null}`.

export const RETENTION_KEYS = { quarantineDays: "retention.quarantine_days", imageDays: "retention.image_days" } as const;

export const MIN_RETENTION_DAYS = 1;
/** Ten years: past that, "keep forever" says what is meant. */
export const MAX_RETENTION_DAYS = 3650;

export interface RetentionSettings {
  /** Raw bodies of failed and rejected deliveries. */
  quarantineDays: number | null;
  /** Delivered images (with their thumbnails, and the raw JSON bodies that embed them). */
  imageDays: number | null;
}

export const retentionDaysSchema = z
  .number("Enter a number of days.")
  .int("Enter a whole number of days.")
  .min(MIN_RETENTION_DAYS, `Keep things at least ${MIN_RETENTION_DAYS} day, or choose “keep forever”.`)
  .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days (ten years); for longer, choose “keep forever”.`)
  .nullable();

export const retentionSettingsSchema = z.object({ quarantineDays: retentionDaysSchema, imageDays: retentionDaysSchema });
