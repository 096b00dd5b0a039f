import { getPrisma } from "../db.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { Role } from "../generated/prisma/enums.ts";

// Failed sign-ins are limited in the database, so that every instance enforces the same limit,
// and an account's failures count from its last success. Three limits:
// - an account from one address: 5 failures lock that pair for the rest of the 15-minute window;
// - one address, whatever the accounts: 20 failures lock the address;
// - an account from every address together: past 10 failures, one attempt per 30 s. A throttle,
//   not a lock, so that nobody can lock the only admin out by guessing from many addresses.
// Checking the limits and recording the attempt are one step: under per-account and
// per-address advisory locks, an attempt is written as failed before its password is checked and turned into a
// success afterwards, so 40 concurrent guesses cannot all slip in before the first is counted.

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;
export const ACCOUNT_THROTTLE_AFTER_FAILURES = 10;
export const ACCOUNT_THROTTLE_INTERVAL_MS = 30_000;

// A burst of sign-ins (each a server action rendering on a busy event loop) can hold the pool
// for longer than Prisma's 2 s wait for a connection; waiting longer beats answering 500.
const RESERVATION_TRANSACTION = { maxWait: 10_000, timeout: 10_000 };

type SignInUser = { id: string; email: string; role: Role };
export type SignInReservation = { attemptId: string; refusal?: undefined } | { attemptId?: undefined; refusal: string };

/** Either an attempt recorded (as failed, until `settleSignInAttempt`) or why none may be made now. */
export async function reserveSignInAttempt(email: string, ip: string): Promise<SignInReservation> {
  return getPrisma().$transaction(async (tx) => {
    // Try, not wait: a flood of attempts queued on one lock would hold every pooled connection
    // and stall the rest of the app. The loser of a race is told to try again.
    const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(hashtextextended(${`sign-in account ${email}`}, 0))
         AND pg_try_advisory_xact_lock(hashtextextended(${`sign-in address ${ip}`}, 0)) AS locked`;
    if (!locked) return { refusal: "Another sign-in for this account is being checked. Try again in a moment." };
    const now = Date.now();
    const [counts] = await tx.$queryRaw<
      { pair_failures: number; pair_oldest: Date | null; address_failures: number; account_failures: number; account_newest: Date | null }[]
    >`
      WITH since AS (
        SELECT greatest(${new Date(now - SIGN_IN_WINDOW_MS)}::timestamptz,
                        coalesce((SELECT max(at) FROM sign_in_attempts WHERE email = ${email} AND succeeded), '-infinity')) AS account_since
      )
      SELECT
        (SELECT count(*)::int FROM sign_in_attempts, since WHERE email = ${email} AND ip = ${ip} AND NOT succeeded AND at > account_since) AS pair_failures,
        (SELECT min(at) FROM sign_in_attempts, since WHERE email = ${email} AND ip = ${ip} AND NOT succeeded AND at > account_since) AS pair_oldest,
        (SELECT count(*)::int FROM sign_in_attempts WHERE ip = ${ip} AND NOT succeeded AND at > ${new Date(now - SIGN_IN_WINDOW_MS)}::timestamptz) AS address_failures,
        (SELECT count(*)::int FROM sign_in_attempts, since WHERE email = ${email} AND NOT succeeded AND at > account_since) AS account_failures,
        (SELECT max(at) FROM sign_in_attempts, since WHERE email = ${email} AND NOT succeeded AND at > account_since) AS account_newest`;
    if (counts.pair_failures >= MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS) {
      return { refusal: `Too many failed sign-ins for this account from your network address. Try again in ${minutesUntil(counts.pair_oldest!, now)}.` };
    }
    if (counts.address_failures >= MAX_FAILURES_PER_ADDRESS) return { refusal: "Too many failed sign-ins from your network address. Try again in 15 minutes." };
    if (counts.account_failures >= ACCOUNT_THROTTLE_AFTER_FAILURES) {
      const waitMs = counts.account_newest!.getTime() + ACCOUNT_THROTTLE_INTERVAL_MS - now;
      if (waitMs > 0) return { refusal: `This account has had many failed sign-ins; try again in ${Math.ceil(waitMs / 1000)} seconds.` };
    }
    const attempt = await tx.signInAttempt.create({ data: { email, ip, succeeded: false }, select: { id: true } });
    return { attemptId: attempt.id };
  }, RESERVATION_TRANSACTION);
}

/** Records how a reserved attempt ended (and audits it); a success resets the account's count. */
export async function settleSignInAttempt(options: { attemptId: string; email: string; ip: string; user: SignInUser | null }): Promise<void> {
  await getPrisma().$transaction(async (tx) => {
    if (options.user) await tx.signInAttempt.update({ where: { id: options.attemptId }, data: { succeeded: true }, select: { id: true } });
    await auditSignIn(tx, { ...options, reason: options.user ? undefined : "wrong email or password" });
  });
}

/** A refused attempt is audited but not counted: counting it would let a flood extend a lock for ever. */
export async function recordRefusedSignIn(options: { email: string; ip: string }): Promise<void> {
  await auditSignIn(getPrisma(), { ...options, user: null, reason: "rate limited" });
}

function auditSignIn(db: Parameters<typeof recordAudit>[0], options: { email: string; ip: string; user: SignInUser | null; reason?: string }) {
  return recordAudit(db, {
    actor: options.user ? { kind: "user", id: options.user.id, name: options.user.email, role: options.user.role } : { kind: "anonymous", name: options.email },
    action: options.user ? "auth.sign_in" : "auth.sign_in_failed",
    target: { type: "user", name: options.email },
    detail: options.reason ? { reason: options.reason } : undefined,
    ip: options.ip,
  });
}

function minutesUntil(oldestFailure: Date, now: number): string {
  const minutes = Math.max(1, Math.ceil((oldestFailure.getTime() + SIGN_IN_WINDOW_MS - now) / 60_000));
  return minutes === 1 ? "a minute" : `${minutes} minutes`;
}
