import { createHash, randomBytes } from "node:crypto";
import type pg from "pg";

// First run: while no admin exists, each app start prints a one-time link with a random token;
// only that link can create the first admin (lib/auth/setup-token.ts). The token is stored as
// a SHA-256 and dies with its first use, or after a day. Issued by the launcher at every start,
// in plain SQL on its pool: the launcher loads no Prisma (lib/database/pool.ts says why).

export const SETUP_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** A new setup token when no admin exists yet, else null. */
export async function issueSetupTokenIfNeeded(pool: pg.Pool): Promise<string | null> {
  const { rows } = await pool.query<{ has_admin: boolean }>(`SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin') AS has_admin`);
  if (rows[0].has_admin) return null;
  const token = randomBytes(24).toString("base64url");
  await pool.query("DELETE FROM setup_tokens WHERE expires_at < now()");
  await pool.query("INSERT INTO setup_tokens (token_hash, expires_at) VALUES ($1, $2)", [
    hashSetupToken(token),
    new Date(Date.now() + SETUP_TOKEN_LIFETIME_MS),
  ]);
  return token;
}

export function hashSetupToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
