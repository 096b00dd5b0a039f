import { createHash, randomBytes } from "node:crypto";
import argon2 from "argon2";
import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { emailSchema, passwordSchema } from "../users/create-user.ts";

// First run: while no admin exists, each app start prints a one-time link with a random token;
// only that link can create the first admin. The token is stored as a SHA-256 and dies with
// its first use, or after a day.

const SETUP_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;
// Serializes first-admin creation across app instances sharing one database.
const SETUP_LOCK = 72707370;

export class SetupUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SetupUnavailableError";
  }
}

/** A new setup token when no admin exists yet, else null. */
export async function issueSetupTokenIfNeeded(): Promise<string | null> {
  const prisma = getPrisma();
  if (await hasAdmin()) return null;
  const token = randomBytes(24).toString("base64url");
  await prisma.setupToken.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  await prisma.setupToken.create({ data: { tokenHash: hashToken(token), expiresAt: new Date(Date.now() + SETUP_TOKEN_LIFETIME_MS) } });
  return token;
}

export async function isSetupTokenValid(token: string | undefined): Promise<boolean> {
  if (!token || (await hasAdmin())) return false;
  const found = await getPrisma().setupToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { expiresAt: true } });
  return !!found && found.expiresAt > new Date();
}

/** Creates the first admin, once: the token must be valid and no admin may exist yet. */
export async function completeSetup(options: { token: string; email: string; password: string; ip: string | null }) {
  const email = emailSchema.parse(options.email);
  const passwordHash = await argon2.hash(passwordSchema.parse(options.password), { type: argon2.argon2id });
  return getPrisma().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`;
    if ((await tx.user.count({ where: { role: "admin" } })) > 0) throw new SetupUnavailableError("setup is already complete: sign in instead");
    const found = await tx.setupToken.findUnique({ where: { tokenHash: hashToken(options.token) }, select: { expiresAt: true } });
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

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
