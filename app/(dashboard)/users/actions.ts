"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z, ZodError } from "zod";
import { ForbiddenActionError, requireActionOperator } from "@/lib/auth/require-operator.ts";
import { unlockSignIn } from "@/lib/auth/unlock-sign-in.ts";
import { clientAddress } from "@/lib/http/client-address.ts";
import { isStorageUnavailable } from "@/lib/storage/storage-errors.ts";
import { addUser } from "@/lib/users/add-user.ts";
import { changeUserRole } from "@/lib/users/change-user-role.ts";
import { UserExistsError } from "@/lib/users/create-user.ts";
import { removeUser } from "@/lib/users/remove-user.ts";
import { LastAdminError, SelfRemovalError, UserNotFoundError } from "@/lib/users/user-errors.ts";

// Server actions of the Users page. Each checks the caller's role first (Next checks a server
// action's Origin against Host, so another site cannot post here), validates its input, and
// answers with a state the form shows; passwords are never given back.

export interface ActionState {
  status: "idle" | "success" | "error";
  message: string | null;
}

export interface AddUserState extends ActionState {
  /** Given back so that the form, which React resets after an action, keeps what was typed. */
  email: string;
  role: "admin" | "viewer";
}

const roleSchema = z.enum(["admin", "viewer"], { error: "choose admin or viewer" });
const userIdSchema = z.uuid("that user does not exist");

export async function addUserAction(_previous: AddUserState, form: FormData): Promise<AddUserState> {
  const email = String(form.get("email") ?? "")
    .trim()
    .slice(0, 320);
  const role = form.get("role") === "admin" ? "admin" : "viewer";
  const password = String(form.get("password") ?? "");
  try {
    const actor = await requireActionOperator("admin");
    if (password !== String(form.get("confirm") ?? "")) return { status: "error", message: "The two passwords differ.", email, role };
    const user = await addUser({ email, role: roleSchema.parse(form.get("role")), password, actor, ip: await clientAddress() });
    revalidatePath("/users");
    return { status: "success", message: `Added ${user.email} as ${user.role}. Give them the password over a channel you trust.`, email: "", role: "viewer" };
  } catch (error) {
    return { status: "error", message: describeError(error), email, role };
  }
}

export async function changeRoleAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  let isSelfDemoted = false;
  try {
    const actor = await requireActionOperator("admin");
    const userId = userIdSchema.parse(form.get("userId"));
    const role = roleSchema.parse(form.get("role"));
    const user = await changeUserRole({ userId, role, actor, ip: await clientAddress() });
    isSelfDemoted = user.id === actor.id && role !== "admin";
    revalidatePath("/users");
    if (!isSelfDemoted)
      return { status: "success", message: user.isChanged ? `${user.email} is now ${user.role}.` : `${user.email} was already ${user.role}.` };
  } catch (error) {
    return { status: "error", message: describeError(error) };
  }
  // Outside the try: redirect() works by throwing. An admin who made themself a viewer has no business here any more.
  redirect("/gallery");
}

export async function removeUserAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const user = await removeUser({ userId: userIdSchema.parse(form.get("userId")), actor, ip: await clientAddress() });
    revalidatePath("/users");
    return { status: "success", message: `Removed ${user.email}; ${user.sessionsEnded === 1 ? "1 session" : `${user.sessionsEnded} sessions`} ended.` };
  } catch (error) {
    return { status: "error", message: describeError(error) };
  }
}

export async function unlockUserAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const user = await unlockSignIn({ email: z.string().min(1).parse(form.get("email")), actor, ip: await clientAddress() });
    revalidatePath("/users");
    return {
      status: "success",
      message: `${user.email} can sign in again (${user.failuresCleared === 1 ? "1 failed sign-in" : `${user.failuresCleared} failed sign-ins`} forgotten).`,
    };
  } catch (error) {
    return { status: "error", message: describeError(error) };
  }
}

/** An operator-friendly sentence for what went wrong; anything unexpected is rethrown. */
function describeError(error: unknown): string {
  if (error instanceof ForbiddenActionError) return `${capitalize(error.message)}.`;
  if (error instanceof ZodError) return `${capitalize(error.issues.map((issue) => issue.message).join("; "))}.`;
  if (error instanceof UserExistsError || error instanceof LastAdminError || error instanceof SelfRemovalError || error instanceof UserNotFoundError) {
    return `${capitalize(error.message)}.`;
  }
  if (isStorageUnavailable(error)) return "The database is unavailable right now; nothing was changed. Try again in a moment.";
  throw error;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
