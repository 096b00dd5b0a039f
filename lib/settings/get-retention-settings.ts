import { getPrisma } from "../db.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { RETENTION_KEYS, retentionDaysSchema, type RetentionSettings } from "./retention-input.ts";

/** The stored retention periods; a missing or unreadable value means "keep forever". */
export async function getRetentionSettings(db: Pick<PrismaClient, "setting"> = getPrisma()): Promise<RetentionSettings> {
  const rows = await db.setting.findMany({ where: { key: { in: Object.values(RETENTION_KEYS) } }, select: { key: true, value: true } });
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  return { quarantineDays: readDays(stored.get(RETENTION_KEYS.quarantineDays)), imageDays: readDays(stored.get(RETENTION_KEYS.imageDays)) };
}

// A value edited by hand into something invalid must never make the purge delete more than
// asked: it counts as keep forever.
function readDays(value: unknown): number | null {
  const days = typeof value === "object" && value !== null && "days" in value ? value.days : null;
  const parsed = retentionDaysSchema.safeParse(days);
  return parsed.success ? parsed.data : null;
}
