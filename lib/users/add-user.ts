import argon2 from "argon2";
import type { AuditActor } from "../audit/record-audit.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { getPrisma } from "../db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { Role } from "../generated/prisma/enums.ts";
import { emailSchema, passwordSchema, UserExistsError } from "./create-user.ts";

export interface AddUserOptions {
  email: string;
  role: Role;
  password: string;
  actor: AuditActor;
  ip?: string | null;
}

/**
 * An operator adds a user: the same rules and argon2id hash as `createUser` (the CLI's path),
 * with the `user.create` audit entry written in the same transaction. The password never
 * leaves this function except as its hash.
 */
export async function addUser(options: AddUserOptions) {
  const email = emailSchema.parse(options.email);
  const passwordHash = await argon2.hash(passwordSchema.parse(options.password), { type: argon2.argon2id });
  try {
    return await getPrisma().$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email, role: options.role, passwordHash }, select: { id: true, email: true, role: true } });
      await recordAudit(tx, {
        actor: options.actor,
        action: "user.create",
        target: { type: "user", id: user.id, name: user.email },
        detail: { email: user.email, role: user.role },
        ip: options.ip,
      });
      return user;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new UserExistsError(email);
    throw error;
  }
}
