import type { AuditActor } from "../audit/record-audit.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { UserNotFoundError } from "../users/user-errors.ts";

/**
 * An admin lifts an account's sign-in lock and throttle: its counted failures (from every
 * address) are forgotten. The failures stay in the audit log as `auth.sign_in_failed`; the
 * unlock is audited in the same transaction.
 */
export async function unlockSignIn(options: { email: string; actor: AuditActor; ip?: string | null }) {
  const email = options.email.trim().toLowerCase();
  return getPrisma().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email }, select: { id: true, email: true } });
    if (!user) throw new UserNotFoundError();
    // The lock sign-in takes (which waits here: an unlock is rare), so no attempt is counted halfway.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sign-in account ${email}`}, 0))`;
    const { count } = await tx.signInAttempt.deleteMany({ where: { email, succeeded: false } });
    await recordAudit(tx, {
      actor: options.actor,
      action: "user.unlock",
      target: { type: "user", id: user.id, name: user.email },
      detail: { failuresCleared: count },
      ip: options.ip,
    });
    return { ...user, failuresCleared: count };
  });
}

/** Failed sign-ins counted against each account now (since its last success, within the window). */
export async function countRecentSignInFailures(windowMs: number): Promise<Map<string, number>> {
  const rows = await getPrisma().$queryRaw<{ email: string; failures: bigint }[]>`
    SELECT f.email, count(*) AS failures
    FROM sign_in_attempts f
    WHERE NOT f.succeeded AND f.at > now() - make_interval(secs => ${windowMs / 1000})
      AND f.at > coalesce((SELECT max(s.at) FROM sign_in_attempts s WHERE s.email = f.email AND s.succeeded), '-infinity')
    GROUP BY f.email`;
  return new Map(rows.map((row) => [row.email, Number(row.failures)]));
}
