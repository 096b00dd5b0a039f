-- The dashboard at millions of deliveries (issue 16).

-- Substring search (ILIKE '%q%') on metadata, file names and job ids through trigram indexes.
-- pg_trgm ships with PostgreSQL's contrib modules (the embedded distribution included).
-- Built inside the migration's transaction, so on a large existing log this holds writes to
-- deliveries while it builds (minutes, on millions of rows): see the README, "At scale".
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "deliveries_metadata_trgm_idx" ON "deliveries" USING GIN ("metadata" gin_trgm_ops);
CREATE INDEX "deliveries_file_name_trgm_idx" ON "deliveries" USING GIN ("file_name" gin_trgm_ops);
CREATE INDEX "deliveries_job_id_trgm_idx" ON "deliveries" USING GIN ("job_id" gin_trgm_ops);

-- Hourly counts per source and status (see the model's comment in schema.prisma).
CREATE TABLE "delivery_hour_counts" (
    "id" BIGSERIAL NOT NULL,
    "source_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "status" "DeliveryStatus" NOT NULL,
    "deliveries" INTEGER NOT NULL,

    CONSTRAINT "delivery_hour_counts_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "delivery_hour_counts_source_id_hour_idx" ON "delivery_hour_counts"("source_id", "hour");

-- Kept by triggers rather than by each code path that writes deliveries (the receiver's batch
-- commit, the failed-delivery log, re-verification, deletion of quarantined deliveries, a
-- source's cascade): one rule in one place, that no future path can forget. Statement-level
-- with transition tables, so a batch of 32 deliveries costs one grouped INSERT, not 32.
CREATE FUNCTION "count_delivery_hours"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "delivery_hour_counts" ("source_id", "hour", "status", "deliveries")
    SELECT "source_id", date_trunc('hour', "received_at", 'UTC'), "status", count(*) FROM new_rows GROUP BY 1, 2, 3;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "delivery_hour_counts" ("source_id", "hour", "status", "deliveries")
    SELECT "source_id", date_trunc('hour', "received_at", 'UTC'), "status", -count(*) FROM old_rows GROUP BY 1, 2, 3;
  ELSE
    -- Most updates (purge marks, image links) change no count and append nothing.
    INSERT INTO "delivery_hour_counts" ("source_id", "hour", "status", "deliveries")
    SELECT "source_id", "hour", "status", sum("change")
      FROM (SELECT "source_id", date_trunc('hour', "received_at", 'UTC') AS "hour", "status", 1 AS "change" FROM new_rows
            UNION ALL
            SELECT "source_id", date_trunc('hour', "received_at", 'UTC'), "status", -1 FROM old_rows) AS "changes"
     GROUP BY 1, 2, 3
    HAVING sum("change") <> 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "deliveries_count_hours_insert" AFTER INSERT ON "deliveries"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_delivery_hours"();
CREATE TRIGGER "deliveries_count_hours_update" AFTER UPDATE ON "deliveries"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_delivery_hours"();
CREATE TRIGGER "deliveries_count_hours_delete" AFTER DELETE ON "deliveries"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_delivery_hours"();

-- The deliveries already stored (the triggers' lock on deliveries keeps new ones out until commit).
INSERT INTO "delivery_hour_counts" ("source_id", "hour", "status", "deliveries")
SELECT "source_id", date_trunc('hour', "received_at", 'UTC'), "status", count(*) FROM "deliveries" GROUP BY 1, 2, 3;
