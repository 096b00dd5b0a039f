"use server";

import { redirect } from "next/navigation";
import { ZodError } from "zod";
import { completeSetup, SetupUnavailableError } from "@/lib/auth/setup-token.ts";
import { clientAddress } from "@/lib/http/client-address.ts";
import { startSession } from "@/lib/auth/start-session.ts";

export interface SetupState {
  error: string | null;
  email: string;
}

export async function createFirstAdmin(_previous: SetupState, form: FormData): Promise<SetupState> {
  const email = String(form.get("email") ?? "").trim();
  const password = String(form.get("password") ?? "");
  if (password !== String(form.get("confirm") ?? "")) return { error: "The two passwords differ.", email };
  let userId: string;
  try {
    userId = (await completeSetup({ token: String(form.get("token") ?? ""), email, password, ip: await clientAddress() })).id;
  } catch (error) {
    if (error instanceof ZodError) return { error: error.issues.map((issue) => issue.message).join("; "), email };
    if (error instanceof SetupUnavailableError) return { error: error.message, email };
    throw error;
  }
  await startSession(userId);
  redirect("/sources");
}
