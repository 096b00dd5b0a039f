-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "purged_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "images_created_at_idx" ON "images"("created_at");

