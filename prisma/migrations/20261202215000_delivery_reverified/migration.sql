-- A re-verified delivery keeps what its sender was answered (http_status, reason) and records
-- when and by whom it was re-verified.
ALTER TABLE "deliveries" ADD COLUMN "reverified_at" TIMESTAMPTZ(3),
ADD COLUMN "reverified_by" TEXT;
