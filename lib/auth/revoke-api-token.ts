import { recordAudit, type AuditActor } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";

export class ApiTokenNotFoundError extends Error {
  constructor() {
    super("that API token does not exist");
    this.name = "ApiTokenNotFoundError";
  }
}

export class ApiTokenAlreadyRevokedError extends Error {
  constructor(name: string) {
    super(`the API token "${name}" was already revoked`);
    this.name = "ApiTokenAlreadyRevokedError";
  }
}

export interface RevokeApiTokenOptions {
  tokenId: string;
  actor: AuditActor;
  ip?: string | null;
}

/**
 * Revokes an API token: its next request is refused (every request checks `revokedAt`). The row
 * is kept, so that the token list and the audit log can still name it.
 */
export async function revokeApiToken(options: RevokeApiTokenOptions) {
  return getPrisma().$transaction(async (tx) => {
    const revokedAt = new Date();
    // A conditional update, so that two admins revoking at once record one revocation, not two.
    const { count } = await tx.apiToken.updateMany({ where: { id: options.tokenId, revokedAt: null }, data: { revokedAt } });
    const token = await tx.apiToken.findUnique({ where: { id: options.tokenId }, select: { id: true, name: true, role: true, prefix: true, expiresAt: true } });
    if (!token) throw new ApiTokenNotFoundError();
    if (count === 0) throw new ApiTokenAlreadyRevokedError(token.name);
    await recordAudit(tx, {
      actor: options.actor,
      action: "token.revoke",
      target: { type: "token", id: token.id, name: token.name },
      detail: { name: token.name, role: token.role, prefix: token.prefix },
      ip: options.ip,
    });
    return { ...token, revokedAt };
  });
}
