-- Issue 15 A3: a quota of quarantined raw bodies per source. The running total lives on the
-- source row, kept by statement-level triggers on quarantined_bodies (every path that adds or
-- removes a quarantined body: the receivers, retention, deletion from the log, re-verification,
-- source deletion), so the receiver's check is one indexed read, not a sum over the quarantine.

-- AlterTable
ALTER TABLE "sources" ADD COLUMN "quarantined_bytes" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "quarantined_bodies" ADD COLUMN "source_id" UUID;

UPDATE "quarantined_bodies" AS q SET "source_id" = d."source_id" FROM "deliveries" AS d WHERE d."id" = q."delivery_id";

UPDATE "sources" AS s SET "quarantined_bytes" = t."bytes"
  FROM (SELECT q."source_id", sum(b."byte_size") AS "bytes" FROM "quarantined_bodies" AS q JOIN "blobs" AS b ON b."id" = q."blob_id" GROUP BY q."source_id") AS t
  WHERE s."id" = t."source_id";

-- A deletion that cascades from its delivery runs after the delivery row is gone: the source is
-- taken from the delivery when the body is quarantined, and kept on the row.
CREATE FUNCTION "quarantined_body_source"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."source_id" := (SELECT "source_id" FROM "deliveries" WHERE "id" = NEW."delivery_id");
  RETURN NEW;
END $$;

CREATE TRIGGER "quarantined_bodies_source" BEFORE INSERT ON "quarantined_bodies"
  FOR EACH ROW EXECUTE FUNCTION "quarantined_body_source"();

-- The blob rows are still there in both cases: quarantined_bodies references them (no cascade),
-- so they are deleted after, never before, the quarantined body.
CREATE FUNCTION "count_quarantined_bytes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "sources" AS s SET "quarantined_bytes" = s."quarantined_bytes" + t."bytes"
      FROM (SELECT n."source_id", sum(b."byte_size") AS "bytes" FROM new_rows AS n JOIN "blobs" AS b ON b."id" = n."blob_id" GROUP BY n."source_id") AS t
      WHERE s."id" = t."source_id";
  ELSE
    UPDATE "sources" AS s SET "quarantined_bytes" = greatest(s."quarantined_bytes" - t."bytes", 0)
      FROM (SELECT o."source_id", sum(b."byte_size") AS "bytes" FROM old_rows AS o JOIN "blobs" AS b ON b."id" = o."blob_id" GROUP BY o."source_id") AS t
      WHERE s."id" = t."source_id";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "quarantined_bodies_count_insert" AFTER INSERT ON "quarantined_bodies"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_quarantined_bytes"();
CREATE TRIGGER "quarantined_bodies_count_delete" AFTER DELETE ON "quarantined_bodies"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_quarantined_bytes"();
