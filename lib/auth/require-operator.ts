import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { Role } from "../generated/prisma/enums.ts";
import { HttpError } from "../http/errors.ts";
import { authenticateBearer, type Operator } from "./api-tokens.ts";
import { findSessionOperator, SESSION_COOKIE } from "./sessions.ts";

// Access rules, enforced on the server: every operator API and page needs a session or a Bearer
// token; `admin` can do everything a `viewer` can, and manage.

export async function requireApiOperator(request: Request, role: Role = "viewer"): Promise<Operator> {
  const operator =
    (await authenticateBearer(request.headers.get("authorization"))) ??
    (await findSessionOperator((await cookies()).get(SESSION_COOKIE)?.value));
  if (!operator) throw new HttpError(401, "sign in or send an API token (Authorization: Bearer …)", { "www-authenticate": "Bearer" });
  if (role === "admin" && operator.role !== "admin") throw new HttpError(403, "this needs the admin role");
  return operator;
}

/** For pages: the signed-in operator, or a redirect to the sign-in page. */
export async function requirePageOperator(returnTo: string): Promise<Operator> {
  const operator = await findSessionOperator((await cookies()).get(SESSION_COOKIE)?.value);
  if (!operator) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return operator;
}
