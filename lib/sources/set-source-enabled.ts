import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import type { ChangedBy } from "./changed-by.ts";
import { SourceNotFoundError } from "./errors.ts";

// A disabled source answers 404 and records nothing (lib/ingest/receive-webhook.ts); its
// credentials and deliveries are kept, so enabling it again restores it as it was.

export interface SetSourceEnabledOptions extends ChangedBy {
  sourceId: string;
  isEnabled: boolean;
}

export async function setSourceEnabled(options: SetSourceEnabledOptions) {
  return getPrisma().$transaction(async (tx) => {
    const source = await tx.source.findUnique({ where: { id: options.sourceId }, select: { id: true, slug: true, enabled: true } });
    if (!source) throw new SourceNotFoundError();
    if (source.enabled === options.isEnabled) return { slug: source.slug, isChanged: false };
    await tx.source.update({ where: { id: source.id }, data: { enabled: options.isEnabled } });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: options.isEnabled ? "source.enable" : "source.disable",
      target: { type: "source", id: source.id, name: source.slug },
    });
    return { slug: source.slug, isChanged: true };
  });
}
