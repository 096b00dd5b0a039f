import { cookies, headers } from "next/headers";
import { createSession, SESSION_COOKIE } from "./sessions.ts";

// Kept out of any "use server" file on purpose: every function such a file exports becomes an
// endpoint anyone can call, and this one signs a browser in as the user it is given.

/** Sets the session cookie: http-only, SameSite=Lax, and Secure when the app is reached over HTTPS. */
export async function startSession(userId: string): Promise<void> {
  const session = await createSession(userId);
  (await cookies()).set(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "lax",
    secure: await isHttps(),
    path: "/",
    expires: session.expiresAt,
  });
}

async function isHttps(): Promise<boolean> {
  const forwarded = (await headers()).get("x-forwarded-proto");
  return forwarded?.split(",")[0].trim() === "https";
}
