import { PrismaPg } from "@prisma/adapter-pg";
import { closePool, getPool } from "./database/pool.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

// Prisma, on the process's one pg pool (lib/database/pool.ts), shared with the few hot paths
// that speak SQL directly to stream large byte strings without Prisma's base64 copies. Made on
// first use: its query compiler costs a quarter of a second of CPU to start.

export { getPool };

const globalForPrisma = globalThis as typeof globalThis & { webhookInboxPrisma?: PrismaClient };

export function getPrisma(): PrismaClient {
  globalForPrisma.webhookInboxPrisma ??= new PrismaClient({ adapter: new PrismaPg(getPool()) });
  return globalForPrisma.webhookInboxPrisma;
}

export async function closeDatabase(): Promise<void> {
  const prisma = globalForPrisma.webhookInboxPrisma;
  globalForPrisma.webhookInboxPrisma = undefined;
  await prisma?.$disconnect();
  await closePool();
}
