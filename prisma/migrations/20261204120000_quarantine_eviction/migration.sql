-- Issue 15 A3: beyond its quota a source's oldest quarantined bodies make room for the newest
-- (lib/ingest/evict-quarantine.ts). When each body was kept, and an index to find a source's
-- oldest without walking its deliveries (most of which, on a busy source, have no body left).

-- AlterTable
ALTER TABLE "quarantined_bodies" ADD COLUMN "quarantined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Bodies kept before this migration: their delivery's arrival is when they were kept.
UPDATE "quarantined_bodies" AS q SET "quarantined_at" = d."received_at" FROM "deliveries" AS d WHERE d."id" = q."delivery_id";

-- CreateIndex
CREATE INDEX "quarantined_bodies_source_id_quarantined_at_idx" ON "quarantined_bodies"("source_id", "quarantined_at");
