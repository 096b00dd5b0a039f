import type { Prisma } from "../generated/prisma/client.ts";
import type { Role } from "../generated/prisma/enums.ts";

export interface LockedUsers {
  /** The user being changed, or undefined when no user has that id. */
  target: { id: string; email: string; role: Role } | undefined;
  adminCount: number;
}

/**
 * Locks every admin row and the target user's row until the transaction ends, and counts the
 * admins. Two admins demoting or removing each other at once then run one after the other, and
 * the second sees the first's change, so the count can never reach zero. Rows are locked in id
 * order so that concurrent callers cannot deadlock; a row that stopped matching while we waited
 * (demoted or deleted by the transaction before us) drops out of the result.
 */
export async function lockAdmins(tx: Prisma.TransactionClient, userId: string): Promise<LockedUsers> {
  const rows = await tx.$queryRaw<Array<{ id: string; email: string; role: Role }>>`
    SELECT id::text AS id, email, role::text AS role
    FROM users
    WHERE role = 'admin' OR id = ${userId}::uuid
    ORDER BY id
    FOR UPDATE`;
  return { target: rows.find((row) => row.id === userId), adminCount: rows.filter((row) => row.role === "admin").length };
}
