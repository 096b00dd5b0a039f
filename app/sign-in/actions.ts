"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { revokeSession, createSession, SESSION_COOKIE } from "@/lib/auth/sessions.ts";
import { checkPassword } from "@/lib/auth/sign-in.ts";

export interface SignInState {
  error: string | null;
  /** Given back so that the form, which React resets after an action, keeps what was typed. */
  email: string;
}

export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  const password = String(form.get("password") ?? "");
  const user = email && password ? await checkPassword(email, password) : null;
  if (!user) return { error: "That email and password do not match an operator account.", email };
  const session = await createSession(user.id);
  (await cookies()).set(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "lax",
    secure: await isHttps(),
    path: "/",
    expires: session.expiresAt,
  });
  redirect(safeReturnPath(String(form.get("next") ?? "")));
}

export async function signOut(): Promise<void> {
  const jar = await cookies();
  await revokeSession(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect("/sign-in");
}

/** Only a path on this site, so that the sign-in form cannot be used to send people elsewhere. */
function safeReturnPath(next: string): string {
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/gallery";
}

async function isHttps(): Promise<boolean> {
  const forwarded = (await headers()).get("x-forwarded-proto");
  return forwarded?.split(",")[0].trim() === "https";
}
