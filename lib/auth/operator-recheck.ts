import { cookies } from "next/headers";
import { authenticateBearer } from "./api-tokens.ts";
import { findSessionOperator, SESSION_COOKIE } from "./sessions.ts";

// A long-lived answer (the event stream) was authorized once, at its start. This keeps the
// credentials it came with so that it can ask again later: a revoked or expired token, a
// signed-out session or a removed user (their sessions go with them) then ends it.

export type StillAuthorized = () => Promise<boolean>;

export async function recheckerFor(request: Request): Promise<StillAuthorized> {
  const authorization = request.headers.get("authorization");
  const sessionToken = (await cookies()).get(SESSION_COOKIE)?.value;
  return async () => {
    try {
      return Boolean((await authenticateBearer(authorization)) ?? (await findSessionOperator(sessionToken)));
    } catch {
      // The database is unreachable: not a revocation. The next check decides.
      return true;
    }
  };
}
