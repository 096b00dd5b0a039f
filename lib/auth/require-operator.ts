import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { Role } from "../generated/prisma/enums.ts";
import { HttpError } from "../http/errors.ts";
import { authenticateBearer, type Operator } from "./api-tokens.ts";
import { findSessionOperator, SESSION_COOKIE } from "./sessions.ts";

// Access rules, enforced on the server: every operator API, page and server action needs a
// session or a Bearer token; `admin` can do everything a `viewer` can, and manage. Pages check
// for themselves (a layout is not re-run on client navigation, so it cannot be the guard).

export async function requireApiOperator(request: Request, role: Role = "viewer"): Promise<Operator> {
  const operator =
    (await authenticateBearer(request.headers.get("authorization"))) ?? (await findSessionOperator((await cookies()).get(SESSION_COOKIE)?.value));
  if (!operator) throw new HttpError(401, "sign in or send an API token (Authorization: Bearer …)", { "www-authenticate": "Bearer" });
  if (role === "admin" && operator.role !== "admin") throw new HttpError(403, "this needs the admin role");
  return operator;
}

/** For pages: the signed-in operator, or a redirect to sign-in (or to the gallery for a viewer on an admin page). */
export async function requirePageOperator(returnTo: string, role: Role = "viewer"): Promise<Operator> {
  const operator = await findSessionOperator((await cookies()).get(SESSION_COOKIE)?.value);
  if (!operator) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  if (role === "admin" && operator.role !== "admin") redirect("/gallery?denied=admin");
  return operator;
}

export class ForbiddenActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ForbiddenActionError";
  }
}

/**
 * For server actions (Next checks their Origin against Host, which stops cross-site posts):
 * the signed-in operator with at least `role`, or ForbiddenActionError.
 */
export async function requireActionOperator(role: Role = "admin"): Promise<Operator> {
  const operator = await findSessionOperator((await cookies()).get(SESSION_COOKIE)?.value);
  if (!operator) throw new ForbiddenActionError("your session has ended: sign in again");
  if (role === "admin" && operator.role !== "admin") throw new ForbiddenActionError("this needs the admin role");
  return operator;
}
