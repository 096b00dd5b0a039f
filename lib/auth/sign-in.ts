import argon2 from "argon2";
import { getPrisma } from "../db.ts";

// A dummy hash verified when the email is unknown, so that both cases take the same time.
const DUMMY_HASH_PROMISE = argon2.hash("webhook-inbox timing equaliser", { type: argon2.argon2id });

/** The user whose email and password these are, or null. */
export async function checkPassword(email: string, password: string) {
  const user = await getPrisma().user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true, role: true, passwordHash: true },
  });
  const isValid = await argon2.verify(user?.passwordHash ?? (await DUMMY_HASH_PROMISE), password).catch(() => false);
  return user && isValid ? { id: user.id, email: user.email, role: user.role } : null;
}
