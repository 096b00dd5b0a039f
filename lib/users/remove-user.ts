import type { AuditActor } from "../audit/record-audit.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { lockAdmins } from "./lock-admins.ts";
import { LastAdminError, SelfRemovalError, UserNotFoundError } from "./user-errors.ts";

export { LastAdminError, SelfRemovalError, UserNotFoundError };

export interface RemoveUserOptions {
  userId: string;
  actor: AuditActor;
  ip?: string | null;
}

/**
 * Deletes a user. Their sessions go with the row (ON DELETE CASCADE), so they are signed out
 * everywhere on their next request. The last admin cannot be removed, and nobody removes
 * themself: losing one's own access should take a second person.
 */
export async function removeUser(options: RemoveUserOptions) {
  if (options.actor.kind === "user" && options.actor.id === options.userId) throw new SelfRemovalError();
  return getPrisma().$transaction(async (tx) => {
    const { target, adminCount } = await lockAdmins(tx, options.userId);
    if (!target) throw new UserNotFoundError();
    if (target.role === "admin" && adminCount <= 1) throw new LastAdminError(target.email);
    const sessionsEnded = await tx.session.count({ where: { userId: target.id, revokedAt: null, expiresAt: { gt: new Date() } } });
    await tx.user.delete({ where: { id: target.id }, select: { id: true } });
    await recordAudit(tx, {
      actor: options.actor,
      action: "user.remove",
      target: { type: "user", id: target.id, name: target.email },
      detail: { email: target.email, role: target.role, sessionsEnded },
      ip: options.ip,
    });
    return { ...target, sessionsEnded };
  });
}
