import { getPrisma } from "../db.ts";

export type ApiTokenStatus = "active" | "expired" | "revoked";

/** Every API token, newest first, with what may be shown about it: never the token or its hash. */
export async function listApiTokens(options: { now?: Date } = {}) {
  const now = options.now ?? new Date();
  const rows = await getPrisma().apiToken.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, name: true, role: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
  });
  return rows.map((row) => ({ ...row, status: tokenStatus(row, now) }));
}

export type ApiTokenSummary = Awaited<ReturnType<typeof listApiTokens>>[number];

function tokenStatus(token: { expiresAt: Date | null; revokedAt: Date | null }, now: Date): ApiTokenStatus {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && token.expiresAt <= now) return "expired";
  return "active";
}
