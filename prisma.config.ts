// Prisma CLI configuration. The app applies migrations itself (lib/database/migrate.ts), because
// the Prisma 7 CLI cannot download its schema engine on these machines; a connected machine can
// still run `prisma migrate status` against the same database and agree.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/webhook_inbox" },
});
