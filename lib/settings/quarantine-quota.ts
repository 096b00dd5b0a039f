import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { DEFAULT_QUARANTINE_QUOTA_MIB, MAX_QUARANTINE_QUOTA_MIB, MIB, MIN_QUARANTINE_QUOTA_MIB, QUARANTINE_QUOTA_KEY } from "./quarantine-quota-limits.ts";

// How many bytes of quarantined raw bodies each source may hold, stored in `settings` as
// `{"bytes": N}`. The receiver reads it with its own query (lib/ingest/quarantine-quota.ts);
// this is the Settings page's side.

export const quarantineQuotaMibSchema = z
  .number("Enter a number of MiB.")
  .int("Enter a whole number of MiB.")
  .min(MIN_QUARANTINE_QUOTA_MIB, `At least ${MIN_QUARANTINE_QUOTA_MIB} MiB.`)
  .max(MAX_QUARANTINE_QUOTA_MIB, `At most ${MAX_QUARANTINE_QUOTA_MIB} MiB (1 TiB).`);

/** The quota in MiB; a missing or unreadable value means the default. */
export async function getQuarantineQuotaMib(db: Pick<PrismaClient, "setting"> = getPrisma()): Promise<number> {
  const row = await db.setting.findUnique({ where: { key: QUARANTINE_QUOTA_KEY }, select: { value: true } });
  const bytes = (row?.value as { bytes?: unknown } | null)?.bytes;
  const parsed = quarantineQuotaMibSchema.safeParse(typeof bytes === "number" ? bytes / MIB : null);
  return parsed.success ? parsed.data : DEFAULT_QUARANTINE_QUOTA_MIB;
}

export async function setQuarantineQuota(options: ChangedBy & { mib: number }): Promise<{ isChanged: boolean }> {
  const mib = quarantineQuotaMibSchema.parse(options.mib);
  return getPrisma().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('webhook-inbox.settings.quarantine-quota'))`;
    const before = await getQuarantineQuotaMib(tx);
    if (before === mib) return { isChanged: false };
    const value = { bytes: mib * MIB };
    await tx.setting.upsert({ where: { key: QUARANTINE_QUOTA_KEY }, create: { key: QUARANTINE_QUOTA_KEY, value }, update: { value, updatedAt: new Date() } });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "settings.quarantine_quota",
      target: { type: "settings", name: "quarantine quota" },
      detail: { fromMib: before, toMib: mib },
    });
    return { isChanged: true };
  });
}
