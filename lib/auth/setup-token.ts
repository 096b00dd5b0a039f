import argon2 from "argon2";
import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { hashSetupToken } from "./issue-setup-token.ts";
import { emailSchema, passwordSchema } from "../users/create-user.ts";

// First run: while no admin exists, each app start prints a one-time link with a random token
// (issue-setup-token.ts); only that link can create the first admin. The token is stored as a
// SHA-256 and dies with its first use, or after a day.

// Serializes first-admin creation across app instances sharing one database.
const SETUP_LOCK = 72707370;

export class SetupUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SetupUnavailableError";
  }
}

export async function isSetupTokenValid(token: string | undefined): Promise<boolean> {
  if (!token || (await hasAdmin())) return false;
  const found = await getPrisma().setupToken.findUnique({ where: { tokenHash: hashSetupToken(token) }, select: { expiresAt: true } });
  return !!found && found.expiresAt > new Date();
}

/** Creates the first admin, once: the token must be valid and no admin may exist yet. */
export async function completeSetup(options: { token: string; email: string; password: string; ip: string | null }) {
  const email = emailSchema.parse(options.email);
  const passwordHash = await argon2.hash(passwordSchema.parse(options.password), { type: argon2.argon2id });
  return getPrisma().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`;
    if ((await tx.user.count({ where: { role: "admin" } })) > 0) throw new SetupUnavailableError("setup is already complete: sign in instead");
    const found = await tx.setupToken.findUnique({ where: { tokenHash: hashSetupToken(options.token) }, select: { expiresAt: true } });
    if (!found || found.expiresAt <= new Date()) throw new SetupUnavailableError("this setup link is not valid any more: restart the app for a new one");
    const user = await tx.user.create({ data: { email, role: "admin", passwordHash }, select: { id: true, email: true, role: true } });
    await tx.setupToken.deleteMany({});
    await recordAudit(tx, {
      actor: { kind: "system", name: "first-run setup" },
      action: "user.create",
      target: { type: "user", id: user.id, name: user.email },
      detail: { role: "admin", via: "setup link" },
      ip: options.ip,
    });
    return user;
  });
}

async function hasAdmin(): Promise<boolean> {
  return (await getPrisma().user.count({ where: { role: "admin" } })) > 0;
}
