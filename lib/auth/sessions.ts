import { createHash, randomBytes } from "node:crypto";
import { getPrisma } from "../db.ts";
import type { Operator } from "./api-tokens.ts";

// Server-side sessions: the browser holds a random token in an http-only cookie; the database
// holds its SHA-256 as the session id, so a leaked database does not yield usable cookies, and
// a session can be revoked by deleting or marking its row.

export const SESSION_COOKIE = "webhook_inbox_session";
export const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export async function createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await getPrisma().session.create({ data: { id: hashSessionToken(token), userId, expiresAt } });
  return { token, expiresAt };
}

export async function findSessionOperator(token: string | undefined): Promise<Operator | null> {
  if (!token) return null;
  const prisma = getPrisma();
  const session = await prisma.session.findUnique({
    where: { id: hashSessionToken(token) },
    select: { id: true, expiresAt: true, revokedAt: true, lastSeenAt: true, user: { select: { id: true, email: true, role: true } } },
  });
  const now = new Date();
  if (!session || session.revokedAt || session.expiresAt <= now) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
    await prisma.session.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return { kind: "user", id: session.user.id, name: session.user.email, role: session.user.role };
}

export async function revokeSession(token: string | undefined): Promise<void> {
  if (!token) return;
  await getPrisma().session.updateMany({ where: { id: hashSessionToken(token), revokedAt: null }, data: { revokedAt: new Date() } });
}

function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
