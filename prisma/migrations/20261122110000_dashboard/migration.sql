-- AlterTable
ALTER TABLE "sources" ADD COLUMN     "silence_alert_minutes" INTEGER;

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateTable
CREATE TABLE "settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_seq_key" ON "deliveries"("seq");

