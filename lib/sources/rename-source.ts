import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import type { ChangedBy } from "./changed-by.ts";
import { SourceNotFoundError } from "./errors.ts";

// Only the display name changes: the slug is in every sender's configuration (the receiver URL).

export interface RenameSourceOptions extends ChangedBy {
  sourceId: string;
  name: string;
}

export async function renameSource(options: RenameSourceOptions) {
  return getPrisma().$transaction(async (tx) => {
    const before = await tx.source.findUnique({ where: { id: options.sourceId }, select: { id: true, slug: true, name: true } });
    if (!before) throw new SourceNotFoundError();
    if (before.name === options.name) return { slug: before.slug, name: before.name, isChanged: false };
    const source = await tx.source.update({ where: { id: before.id }, data: { name: options.name }, select: { slug: true, name: true } });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "source.rename",
      target: { type: "source", id: before.id, name: before.slug },
      detail: { from: before.name, to: source.name },
    });
    return { ...source, isChanged: true };
  });
}
