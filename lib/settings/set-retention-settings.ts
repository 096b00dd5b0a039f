import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { getRetentionSettings } from "./get-retention-settings.ts";
import { RETENTION_KEYS, retentionSettingsSchema, type RetentionSettings } from "./retention-input.ts";

// Both periods are saved together, with one audit entry that says what they were before. The
// purge job reads them on each run, on every instance, so a change applies within minutes.

export interface SetRetentionSettingsOptions extends ChangedBy, RetentionSettings {}

export async function setRetentionSettings(options: SetRetentionSettingsOptions): Promise<{ settings: RetentionSettings; isChanged: boolean }> {
  const settings = retentionSettingsSchema.parse({ quarantineDays: options.quarantineDays, imageDays: options.imageDays });
  return getPrisma().$transaction(async (tx) => {
    // Serialises concurrent saves, so each audit entry's "from" is what the previous one set.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('webhook-inbox.settings.retention'))`;
    const before = await getRetentionSettings(tx);
    if (before.quarantineDays === settings.quarantineDays && before.imageDays === settings.imageDays) return { settings, isChanged: false };
    const now = new Date();
    for (const [field, key] of Object.entries(RETENTION_KEYS) as Array<[keyof RetentionSettings, string]>) {
      await tx.setting.upsert({
        where: { key },
        create: { key, value: { days: settings[field] }, updatedAt: now },
        update: { value: { days: settings[field] }, updatedAt: now },
      });
    }
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "settings.retention",
      target: { type: "settings", name: "retention" },
      detail: { from: { ...before }, to: { ...settings } },
    });
    return { settings, isChanged: true };
  });
}
