import { createHash, randomBytes } from "node:crypto";
import { recordAudit, type AuditActor } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import type { Role } from "../generated/prisma/enums.ts";

// API tokens are 32 random bytes; only their SHA-256 is stored (a slow hash adds nothing for a
// secret with 256 bits of entropy, and every API request checks one).

const TOKEN_PREFIX = "whi_";

export interface CreateApiTokenOptions {
  name: string;
  role: Role;
  expiresAt?: Date;
  /** Who creates it: given, a `token.create` audit entry is written in the same transaction. */
  actor?: AuditActor;
  ip?: string | null;
}

export async function createApiToken(options: CreateApiTokenOptions) {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const record = await getPrisma().$transaction(async (tx) => {
    const record = await tx.apiToken.create({
      data: { name: options.name, role: options.role, tokenHash: hashToken(token), prefix: token.slice(0, 10), expiresAt: options.expiresAt },
      select: { id: true, name: true, role: true, prefix: true, createdAt: true, expiresAt: true },
    });
    if (options.actor) {
      await recordAudit(tx, {
        actor: options.actor,
        action: "token.create",
        target: { type: "token", id: record.id, name: record.name },
        // The prefix identifies the token in lists; the token itself is never written anywhere.
        detail: { name: record.name, role: record.role, prefix: record.prefix, expiresAt: record.expiresAt?.toISOString() ?? null },
        ip: options.ip,
      });
    }
    return record;
  });
  return { token, record };
}

export interface Operator {
  kind: "token" | "user";
  id: string;
  name: string;
  role: Role;
}

/** The operator behind an `Authorization: Bearer …` header, or null. */
export async function authenticateBearer(authorization: string | null): Promise<Operator | null> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1].startsWith(TOKEN_PREFIX)) return null;
  const prisma = getPrisma();
  const token = await prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(match[1]) },
    select: { id: true, name: true, role: true, expiresAt: true, revokedAt: true, lastUsedAt: true },
  });
  const now = new Date();
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null;
  // Record use at most once a minute, so that busy API clients do not write on every read.
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
    await prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
  }
  return { kind: "token", id: token.id, name: token.name, role: token.role };
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
