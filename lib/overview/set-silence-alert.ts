import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import type { ChangedBy } from "../sources/changed-by.ts";
import { SourceNotFoundError } from "../sources/errors.ts";

/** Sets (or, with null, turns off) how long a source may stay silent before the overview warns. */
export async function setSilenceAlert(options: ChangedBy & { sourceId: string; minutes: number | null }) {
  return getPrisma().$transaction(async (tx) => {
    const before = await tx.source.findUnique({ where: { id: options.sourceId }, select: { id: true, slug: true, silenceAlertMinutes: true } });
    if (!before) throw new SourceNotFoundError();
    if (before.silenceAlertMinutes === options.minutes) return { slug: before.slug, minutes: options.minutes, isChanged: false };
    await tx.source.update({ where: { id: before.id }, data: { silenceAlertMinutes: options.minutes } });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "source.silence_alert",
      target: { type: "source", id: before.id, name: before.slug },
      detail: { fromMinutes: before.silenceAlertMinutes, toMinutes: options.minutes },
    });
    return { slug: before.slug, minutes: options.minutes, isChanged: true };
  });
}
