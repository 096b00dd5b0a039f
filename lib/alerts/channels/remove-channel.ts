import { recordAudit } from "../../audit/record-audit.ts";
import { getPrisma } from "../../db.ts";
import type { ChangedBy } from "../../sources/changed-by.ts";
import { AlertInputError } from "../alert-errors.ts";

/** Removes a channel by id or name; its past sends stay in the history under its name. */
export async function removeChannel(options: ChangedBy & { idOrName: string }) {
  return getPrisma().$transaction(async (tx) => {
    const isId = /^[0-9a-f-]{36}$/i.test(options.idOrName);
    const channel = await tx.alertChannel.findFirst({
      where: isId ? { id: options.idOrName } : { name: options.idOrName },
      select: { id: true, name: true, kind: true },
    });
    if (!channel) throw new AlertInputError(`No alert channel "${options.idOrName}".`);
    await tx.alertChannel.delete({ where: { id: channel.id } });
    await recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "alert_channel.remove",
      target: { type: "alert_channel", id: channel.id, name: channel.name },
      detail: { kind: channel.kind },
    });
    return channel;
  });
}
