import { countRecentSignInFailures } from "../auth/unlock-sign-in.ts";
import { SIGN_IN_WINDOW_MS } from "../auth/sign-in-limits.ts";
import { getPrisma } from "../db.ts";

// Users for the admin's Users page. The last sign-in is the newest session's start (a session
// is created only by a successful sign-in, and signing out marks it revoked, not deleted).

export async function listUsers(options: { now?: Date } = {}) {
  const now = options.now ?? new Date();
  const rows = await getPrisma().user.findMany({
    orderBy: [{ email: "asc" }],
    select: {
      id: true,
      email: true,
      role: true,
      createdAt: true,
      sessions: { select: { createdAt: true }, orderBy: { createdAt: "desc" }, take: 1 },
      _count: { select: { sessions: { where: { revokedAt: null, expiresAt: { gt: now } } } } },
    },
  });
  const failures = await countRecentSignInFailures(SIGN_IN_WINDOW_MS);
  return rows.map(({ sessions, _count, ...user }) => ({
    ...user,
    lastSignInAt: sessions[0]?.createdAt ?? null,
    activeSessions: _count.sessions,
    /** Failed sign-ins counted against the account now: past the limits it is locked or throttled. */
    recentSignInFailures: failures.get(user.email) ?? 0,
  }));
}

export type UserSummary = Awaited<ReturnType<typeof listUsers>>[number];
