-- Bytes leave the deliveries' tables for a blob store (lib/storage): `blobs` keeps one row per
-- reference, named by the SHA-256 of its bytes, and the bytes live in the store that
-- BLOB_STORE chooses. The bytes already stored here move into the `postgres` store's own
-- content-addressed tables, and the installation is recorded as using that store, so an
-- upgraded installation starts as it was (BLOB_STORE=postgres) until `blobs migrate` moves it.

-- Each existing blob is named by the SHA-256 of its chunks, in order.
ALTER TABLE "blobs" ADD COLUMN "sha256" TEXT;
UPDATE "blobs" b SET "sha256" = encode(sha256(coalesce(
  (SELECT string_agg(c."data", ''::bytea ORDER BY c."seq") FROM "blob_chunks" c WHERE c."blob_id" = b."id"), ''::bytea)), 'hex');
ALTER TABLE "blobs" ALTER COLUMN "sha256" SET NOT NULL;
CREATE INDEX "blobs_sha256_idx" ON "blobs"("sha256");
CREATE INDEX "blobs_created_at_idx" ON "blobs"("created_at");

-- The postgres store: one copy per SHA-256, in 1 MiB chunks, stored uncompressed (EXTERNAL),
-- as blob_chunks was (most blobs are JPEG and PNG, compressed already).
CREATE TABLE "postgres_blobs" (
    "sha256" TEXT NOT NULL,
    "byte_size" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "postgres_blobs_pkey" PRIMARY KEY ("sha256")
);
CREATE TABLE "postgres_blob_chunks" (
    "sha256" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    CONSTRAINT "postgres_blob_chunks_pkey" PRIMARY KEY ("sha256","seq")
);
ALTER TABLE "postgres_blob_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;
ALTER TABLE "postgres_blob_chunks" ADD CONSTRAINT "postgres_blob_chunks_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "postgres_blobs"("sha256") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TEMPORARY TABLE "first_copies" ON COMMIT DROP AS
  SELECT DISTINCT ON ("sha256") "sha256", "id", "byte_size", "created_at" FROM "blobs" ORDER BY "sha256", "created_at", "id";
INSERT INTO "postgres_blobs" ("sha256", "byte_size", "created_at") SELECT "sha256", "byte_size", "created_at" FROM "first_copies";
INSERT INTO "postgres_blob_chunks" ("sha256", "seq", "data")
  SELECT f."sha256", c."seq", c."data" FROM "first_copies" f JOIN "blob_chunks" c ON c."blob_id" = f."id";

-- Thumbnails become renditions of kind `thumbnail`, their bytes blobs like any other.
CREATE TABLE "renditions" (
    "image_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "blob_id" UUID NOT NULL,
    CONSTRAINT "renditions_pkey" PRIMARY KEY ("image_id","kind")
);
CREATE UNIQUE INDEX "renditions_blob_id_key" ON "renditions"("blob_id");

CREATE TEMPORARY TABLE "moved_thumbnails" ON COMMIT DROP AS
  SELECT "image_id", "mime_type", "width", "height", "data", gen_random_uuid() AS "blob_id", encode(sha256("data"), 'hex') AS "sha256" FROM "thumbnails";
INSERT INTO "blobs" ("id", "sha256", "byte_size") SELECT "blob_id", "sha256", octet_length("data") FROM "moved_thumbnails";
INSERT INTO "postgres_blobs" ("sha256", "byte_size") SELECT DISTINCT "sha256", octet_length("data") FROM "moved_thumbnails" ON CONFLICT DO NOTHING;
INSERT INTO "postgres_blob_chunks" ("sha256", "seq", "data") SELECT DISTINCT ON ("sha256") "sha256", 0, "data" FROM "moved_thumbnails" ON CONFLICT DO NOTHING;
INSERT INTO "renditions" ("image_id", "kind", "mime_type", "width", "height", "blob_id")
  SELECT "image_id", 'thumbnail', "mime_type", "width", "height", "blob_id" FROM "moved_thumbnails";
ALTER TABLE "renditions" ADD CONSTRAINT "renditions_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "images"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "renditions" ADD CONSTRAINT "renditions_blob_id_fkey" FOREIGN KEY ("blob_id") REFERENCES "blobs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- An installation that already holds bytes keeps them in the postgres store; a new one
-- records the store it is first started with (lib/storage/installation-store.ts).
INSERT INTO "settings" ("key", "value")
  SELECT 'blob_store', '{"driver": "postgres", "identity": "database"}'::json WHERE EXISTS (SELECT 1 FROM "blobs");

DROP TABLE "thumbnails";
DROP TABLE "blob_chunks";
