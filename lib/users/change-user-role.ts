import type { AuditActor } from "../audit/record-audit.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import type { Role } from "../generated/prisma/enums.ts";
import { lockAdmins } from "./lock-admins.ts";
import { LastAdminError, UserNotFoundError } from "./user-errors.ts";

export interface ChangeUserRoleOptions {
  userId: string;
  role: Role;
  actor: AuditActor;
  ip?: string | null;
}

/**
 * Gives a user another role. It applies to their open sessions at once, because every request
 * reads the role from the user row. The last admin cannot be demoted, by anyone, themself included.
 */
export async function changeUserRole(options: ChangeUserRoleOptions) {
  return getPrisma().$transaction(async (tx) => {
    const { target, adminCount } = await lockAdmins(tx, options.userId);
    if (!target) throw new UserNotFoundError();
    if (target.role === options.role) return { ...target, previousRole: target.role, isChanged: false };
    if (target.role === "admin" && adminCount <= 1) throw new LastAdminError(target.email);
    await tx.user.update({ where: { id: target.id }, data: { role: options.role }, select: { id: true } });
    await recordAudit(tx, {
      actor: options.actor,
      action: "user.role_change",
      target: { type: "user", id: target.id, name: target.email },
      detail: { email: target.email, from: target.role, to: options.role },
      ip: options.ip,
    });
    return { ...target, role: options.role, previousRole: target.role, isChanged: true };
  });
}
