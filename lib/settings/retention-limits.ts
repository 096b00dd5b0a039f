// How many days a retention period may be (lib/settings/retention-input.ts validates it).

export const MIN_RETENTION_DAYS = 1;
/** Ten years: past that, "keep forever" says what is meant. */
export const MAX_RETENTION_DAYS = 3650;

export interface RetentionSettings {
  /** Raw bodies of failed and rejected deliveries. */
  quarantineDays: number | null;
  /** Delivered images (with their thumbnails, and the raw JSON bodies that embed them). */
  imageDays: number | null;
}
