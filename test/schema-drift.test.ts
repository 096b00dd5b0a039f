import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffShapes, readDatabaseShape } from "./helpers/database-shape.ts";
import { expectedShapeFromSchema, readExpectedShape, SCHEMA_PATH } from "./helpers/prisma-datamodel.ts";
import { startTestDatabase, type TestDatabase } from "./helpers/test-database.ts";
import { embeddedServerSettings } from "@/lib/database/embedded-settings.ts";

// The Prisma CLI cannot run `migrate diff` here, so migrations are hand-written SQL. This test
// is what keeps them honest: a database built by applyMigrations() must have exactly the shape
// schema.prisma implies. A schema edit without its migration, or a migration that says
// something else, fails here with the list of differences.

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await startTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.destroy();
});

describe("schema drift", () => {
  it("the migrated database matches prisma/schema.prisma", async () => {
    const differences = diffShapes(readExpectedShape(), await readDatabaseShape(client));
    // One difference a line, so a failure reads as a to-do list for the next migration.
    expect(differences.join("\n"), "the migrations do not produce schema.prisma").toBe("");
  });

  it("notices DDL that the schema does not describe", async () => {
    // Drift made for real, inside a transaction that is rolled back, so the database stays as migrated.
    await client.query("BEGIN");
    try {
      await client.query(`ALTER TABLE "deliveries" ADD COLUMN "extra" TEXT`);
      await client.query(`DROP INDEX "deliveries_job_id_idx"`);
      await client.query(`ALTER TABLE "sources" ALTER COLUMN "enabled" SET DEFAULT false`);
      await client.query(`ALTER TABLE "credentials" ALTER COLUMN "label" DROP NOT NULL`);
      await client.query(`ALTER TABLE "delivery_images" ALTER COLUMN "origin" TYPE VARCHAR(100)`);
      await client.query(`ALTER TABLE "sessions" DROP CONSTRAINT "sessions_user_id_fkey",
        ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE`);
      await client.query(`ALTER TYPE "Role" ADD VALUE 'auditor'`);
      await client.query(`CREATE TABLE "stray" ("id" INTEGER PRIMARY KEY)`);
      // A trigram index rebuilt as a plain one (an operator class lost) is drift too.
      await client.query(`DROP INDEX "deliveries_file_name_trgm_idx"`);
      await client.query(`CREATE INDEX "deliveries_file_name_trgm_idx" ON "deliveries" USING GIN ("file_name" gin_trgm_ops, "metadata" gin_trgm_ops)`);
      await client.query(`DROP INDEX "deliveries_metadata_trgm_idx"`);
      await client.query(`CREATE INDEX "deliveries_metadata_trgm_idx" ON "deliveries" ("metadata")`);
      const differences = diffShapes(readExpectedShape(), await readDatabaseShape(client));
      expect(differences).toEqual(
        expect.arrayContaining([
          "unexpected column deliveries.extra",
          expect.stringMatching(/^missing index deliveries_job_id_idx on deliveries/),
          "column sources.enabled: default false, expected true",
          "column credentials.label: nullable, expected NOT NULL",
          "column delivery_images.origin: type character varying(100), expected text",
          expect.stringMatching(/^foreign key sessions_user_id_fkey on sessions: .*"onDelete":"RESTRICT".*expected .*"onDelete":"CASCADE"/),
          'enum Role: values ["admin","viewer","auditor"], expected ["admin","viewer"]',
          "unexpected table stray",
          'index deliveries_file_name_trgm_idx on deliveries: {"columns":["file_name gin_trgm_ops","metadata gin_trgm_ops"],"method":"gin","unique":false}, expected {"columns":["file_name gin_trgm_ops"],"method":"gin","unique":false}',
          'index deliveries_metadata_trgm_idx on deliveries: {"columns":["metadata"],"method":"btree","unique":false}, expected {"columns":["metadata gin_trgm_ops"],"method":"gin","unique":false}',
        ]),
      );
      expect(differences).toHaveLength(10);
    } finally {
      await client.query("ROLLBACK");
    }
  });

  it("notices a schema.prisma edit that has no migration", async () => {
    const schema = readFileSync(SCHEMA_PATH, "utf8").replace(
      /model ApiToken \{\n/,
      'model ApiToken {\n  note String? @map("note")\n  scope String @default("read")\n\n  @@index([name])\n',
    );
    const differences = diffShapes(expectedShapeFromSchema(schema), await readDatabaseShape(client));
    expect(differences).toEqual([
      "missing column api_tokens.note (text)",
      "missing column api_tokens.scope (text)",
      expect.stringMatching(/^missing index api_tokens_name_idx on api_tokens/),
    ]);
  });

  it("the hourly delivery counts are kept by triggers on deliveries (a migration says what schema.prisma cannot)", async () => {
    const { rows } = await client.query<{ tgname: string }>(
      "SELECT tgname FROM pg_trigger WHERE tgrelid = 'deliveries'::regclass AND NOT tgisinternal ORDER BY tgname",
    );
    expect(rows.map((row) => row.tgname)).toEqual(["deliveries_count_hours_delete", "deliveries_count_hours_insert", "deliveries_count_hours_update"]);
  });

  it("the big insert-mostly tables are vacuumed after 1% new rows, so index-only scans stay index-only", async () => {
    const { rows } = await client.query<{ relname: string; reloptions: string[] }>(
      "SELECT relname, reloptions FROM pg_class WHERE relname IN ('deliveries', 'delivery_images') ORDER BY relname",
    );
    expect(rows.map((row) => [row.relname, row.reloptions.find((option) => option.startsWith("autovacuum_vacuum_insert_scale_factor="))])).toEqual([
      ["deliveries", "autovacuum_vacuum_insert_scale_factor=0.01"],
      ["delivery_images", "autovacuum_vacuum_insert_scale_factor=0.01"],
    ]);
  });

  it("the postgres store keeps blob bytes without trying to compress them (a migration says what schema.prisma cannot)", async () => {
    const { rows } = await client.query<{ attstorage: string }>(
      "SELECT attstorage FROM pg_attribute WHERE attrelid = 'postgres_blob_chunks'::regclass AND attname = 'data'",
    );
    expect(rows[0].attstorage).toBe("e"); // EXTERNAL: out of line, uncompressed
  });
});

describe("the embedded cluster's server settings", () => {
  it("starts with them (lib/database/embedded-settings.ts), sized to the machine within 128 MB to 1 GB of shared buffers", async () => {
    const expected = embeddedServerSettings();
    for (const [name, value] of Object.entries(expected)) {
      const { rows } = await client.query<{ setting: string; unit: string | null }>("SELECT setting, unit FROM pg_settings WHERE name = $1", [name]);
      // shared_buffers comes back in 8 kB pages.
      const actual = rows[0].unit === "8kB" ? `${(Number(rows[0].setting) * 8) / 1024}MB` : rows[0].setting;
      expect(actual, name).toBe(value);
    }
    expect(embeddedServerSettings(2 * 1024 ** 3).shared_buffers).toBe("256MB");
    expect(embeddedServerSettings(512 * 1024 ** 2).shared_buffers).toBe("128MB");
    expect(embeddedServerSettings(64 * 1024 ** 3).shared_buffers).toBe("1024MB");
  });
});
