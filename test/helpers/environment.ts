import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createApiToken } from "@/lib/auth/api-tokens.ts";
import { useDatabaseUrl } from "@/lib/config.ts";
import { closeDatabase, getPrisma } from "@/lib/db.ts";
import { closeBlobStore } from "@/lib/storage/configured-store.ts";
import { addSecret } from "@/lib/sources/add-secret.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { startAppServer, type AppServer } from "./app-server.ts";
import { startTestDatabase, type TestDatabase } from "./test-database.ts";

// One test file's world: a private PostgreSQL, the app started as `npm start` starts it, and
// this process pointed at the same database, DATA_DIR and encryption key, so that tests can
// set up sources and tokens through the library while the app receives over HTTP.

export interface TestEnvironment {
  db: TestDatabase;
  app: AppServer;
  dataDir: string;
  adminToken: string;
  createMaskitSource(slug: string, secrets: string[]): Promise<{ id: string }>;
  post(slug: string, body: Buffer, headers: Record<string, string>): Promise<Response>;
  api(pathname: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestEnvironment(extraEnv: Record<string, string> = {}): Promise<TestEnvironment> {
  const db = await startTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-data-"));
  const encryptionKey = randomBytes(32).toString("base64");
  process.env.DATA_DIR = dataDir;
  process.env.ENCRYPTION_KEY = encryptionKey;
  Object.assign(process.env, extraEnv); // the same blob store and limits as the app
  useDatabaseUrl(db.url);
  const app = await startAppServer({ DATABASE_URL: db.url, DATA_DIR: dataDir, ENCRYPTION_KEY: encryptionKey, ...extraEnv });
  const { token: adminToken } = await createApiToken({ name: "test admin", role: "admin" });

  return {
    db,
    app,
    dataDir,
    adminToken,
    async createMaskitSource(slug, secrets) {
      const source = await createSource({ kind: "maskit", slug, name: `Test ${slug}` });
      for (const [index, secret] of secrets.entries()) {
        await addSecret(getPrisma(), { sourceId: source.id, secret: Buffer.from(secret), label: `secret ${index + 1}` });
      }
      return source;
    },
    post: (slug, body, headers) => fetch(`${app.baseUrl}/api/webhooks/${slug}`, { method: "POST", body: new Uint8Array(body), headers }),
    api: (pathname) => fetch(`${app.baseUrl}${pathname}`, { headers: { authorization: `Bearer ${adminToken}` } }),
    async close() {
      await app.stop();
      await closeBlobStore();
      await closeDatabase();
      await db.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
