import argon2 from "argon2";
import { z } from "zod";
import { getPrisma } from "../db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { Role } from "../generated/prisma/enums.ts";

export const emailSchema = z.email("not a valid email address").transform((email) => email.toLowerCase());
export const passwordSchema = z.string().min(12, "the password must have at least 12 characters").max(1024);

export class UserExistsError extends Error {
  constructor(email: string) {
    super(`a user with email ${email} already exists`);
    this.name = "UserExistsError";
  }
}

export async function createUser(options: { email: string; role: Role; password: string }) {
  const email = emailSchema.parse(options.email);
  const passwordHash = await argon2.hash(passwordSchema.parse(options.password), { type: argon2.argon2id });
  try {
    return await getPrisma().user.create({
      data: { email, role: options.role, passwordHash },
      select: { id: true, email: true, role: true },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new UserExistsError(email);
    throw error;
  }
}
