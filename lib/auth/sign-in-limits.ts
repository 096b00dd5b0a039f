import { getPrisma } from "../db.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { Role } from "../generated/prisma/enums.ts";

// Failed sign-ins are limited per account and per address, counted in the database so that
// every instance enforces the same limit. An account's failures count from its last success.

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

/** Why a sign-in may not be tried now, in words for the person at the form; null if it may. */
export async function checkSignInLimits(email: string, ip: string): Promise<string | null> {
  const prisma = getPrisma();
  const since = new Date(Date.now() - SIGN_IN_WINDOW_MS);
  const lastSuccess = await prisma.signInAttempt.findFirst({ where: { email, succeeded: true }, orderBy: { at: "desc" }, select: { at: true } });
  const accountSince = lastSuccess && lastSuccess.at > since ? lastSuccess.at : since;
  const [accountFailures, addressFailures] = await Promise.all([
    prisma.signInAttempt.findMany({ where: { email, succeeded: false, at: { gt: accountSince } }, orderBy: { at: "asc" }, select: { at: true } }),
    prisma.signInAttempt.count({ where: { ip, succeeded: false, at: { gt: since } } }),
  ]);
  if (accountFailures.length >= MAX_FAILURES_PER_ACCOUNT) {
    return `Too many failed sign-ins for this account. Try again in ${minutesUntil(accountFailures[0].at)}.`;
  }
  if (addressFailures >= MAX_FAILURES_PER_ADDRESS) return "Too many failed sign-ins from your network address. Try again in 15 minutes.";
  return null;
}

export async function recordSignInAttempt(options: { email: string; ip: string; user: { id: string; email: string; role: Role } | null; reason?: string }): Promise<void> {
  await getPrisma().$transaction(async (tx) => {
    await tx.signInAttempt.create({ data: { email: options.email, ip: options.ip, succeeded: !!options.user } });
    await recordAudit(tx, {
      actor: options.user ? { kind: "user", id: options.user.id, name: options.user.email, role: options.user.role } : { kind: "anonymous", name: options.email },
      action: options.user ? "auth.sign_in" : "auth.sign_in_failed",
      target: { type: "user", name: options.email },
      detail: options.reason ? { reason: options.reason } : undefined,
      ip: options.ip,
    });
  });
}

function minutesUntil(oldestFailure: Date): string {
  const minutes = Math.max(1, Math.ceil((oldestFailure.getTime() + SIGN_IN_WINDOW_MS - Date.now()) / 60_000));
  return minutes === 1 ? "a minute" : `${minutes} minutes`;
}
