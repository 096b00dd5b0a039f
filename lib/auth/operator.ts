import type { Role } from "../generated/prisma/enums.ts";

// Who is acting: a signed-in user or an API token. Its own module, importing nothing of ours
// but the role enum, so that the audit log (lib/audit) can name an actor without importing the
// token code that records audit entries itself.

export interface Operator {
  kind: "token" | "user";
  id: string;
  name: string;
  role: Role;
}
