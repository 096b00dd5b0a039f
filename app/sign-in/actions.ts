"use server";

// Every function exported here is a public endpoint (a server action): export only actions.

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { recordAudit } from "@/lib/audit/record-audit.ts";
import { findSessionOperator, revokeSession, SESSION_COOKIE } from "@/lib/auth/sessions.ts";
import { recordRefusedSignIn, reserveSignInAttempt, settleSignInAttempt } from "@/lib/auth/sign-in-limits.ts";
import { safeReturnPath } from "@/lib/auth/safe-return-path.ts";
import { checkPassword } from "@/lib/auth/sign-in.ts";
import { startSession } from "@/lib/auth/start-session.ts";
import { getPrisma } from "@/lib/db.ts";
import { clientAddress } from "@/lib/http/client-address.ts";

export interface SignInState {
  error: string | null;
  /** Given back so that the form, which React resets after an action, keeps what was typed. */
  email: string;
}

export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "")
    .trim()
    .toLowerCase()
    .slice(0, 320);
  const password = String(form.get("password") ?? "");
  if (!email || !password) return { error: "Enter your email and password.", email };
  const ip = await clientAddress();
  // The limits are checked, and the attempt counted, before the password: a locked account
  // gives nothing away, and concurrent guesses cannot all pass before the first is counted.
  const reservation = await reserveSignInAttempt(email, ip);
  if (reservation.refusal !== undefined) {
    await recordRefusedSignIn({ email, ip });
    return { error: reservation.refusal, email };
  }
  const user = await checkPassword(email, password);
  await settleSignInAttempt({ attemptId: reservation.attemptId, email, ip, user });
  if (!user) return { error: "That email and password do not match an operator account.", email };
  await startSession(user.id);
  redirect(safeReturnPath(String(form.get("next") ?? "")));
}

export async function signOut(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  const operator = await findSessionOperator(token);
  await revokeSession(token);
  jar.delete(SESSION_COOKIE);
  if (operator)
    await recordAudit(getPrisma(), {
      actor: operator,
      action: "auth.sign_out",
      target: { type: "user", id: operator.id, name: operator.name },
      ip: await clientAddress(),
    });
  redirect("/sign-in");
}
