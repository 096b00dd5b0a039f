-- Blob bytes are stored out of line without compression. They are mostly JPEG and PNG images,
-- compressed already; PostgreSQL's default (EXTENDED) ran pglz over every chunk of every image
-- and then stored it as it was, which took half of the database's CPU in the ingest benchmark.
-- Prisma's schema language cannot say this, so test/schema-drift.test.ts checks it.
ALTER TABLE "blob_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;
