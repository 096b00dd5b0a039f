-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "feature" TEXT,
ADD COLUMN     "job_id" TEXT,
ADD COLUMN     "job_status" TEXT,
ADD COLUMN     "payload" JSONB,
ADD COLUMN     "provider" TEXT,
ADD COLUMN     "raw_body_blob_id" UUID,
ADD COLUMN     "signature_form" TEXT,
ADD COLUMN     "subfeature" TEXT;

-- CreateTable
CREATE TABLE "delivery_images" (
    "delivery_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "image_id" UUID NOT NULL,
    "origin" TEXT NOT NULL,

    CONSTRAINT "delivery_images_pkey" PRIMARY KEY ("delivery_id","position")
);

-- CreateIndex
CREATE INDEX "delivery_images_image_id_idx" ON "delivery_images"("image_id");

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_raw_body_blob_id_key" ON "deliveries"("raw_body_blob_id");

-- CreateIndex
CREATE INDEX "deliveries_job_id_idx" ON "deliveries"("job_id");

-- AddForeignKey
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_raw_body_blob_id_fkey" FOREIGN KEY ("raw_body_blob_id") REFERENCES "blobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery_images" ADD CONSTRAINT "delivery_images_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery_images" ADD CONSTRAINT "delivery_images_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "images"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill: every MaskIt delivery stored so far carried exactly one image.
INSERT INTO "delivery_images" ("delivery_id", "position", "image_id", "origin")
SELECT "id", 0, "image_id", 'maskedImage' FROM "deliveries" WHERE "image_id" IS NOT NULL;
