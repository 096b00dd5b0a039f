-- Forwarding (lib/forwarding): destinations per source, one forward per verified delivery and destination, the attempt log.
-- The job queue itself (graphile-worker) lives in its own schema, graphile_worker, migrated by the library at start-up.

-- CreateEnum
CREATE TYPE "ForwardState" AS ENUM ('waiting', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "destinations" (
    "id" UUID NOT NULL,
    "source_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secret_ciphertext" BYTEA NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "paused_reason" TEXT,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "destinations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "forwards" (
    "delivery_id" UUID NOT NULL,
    "destination_id" UUID NOT NULL,
    "state" "ForwardState" NOT NULL DEFAULT 'waiting',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "forwards_pkey" PRIMARY KEY ("delivery_id","destination_id")
);

-- CreateTable
CREATE TABLE "forwarding_attempts" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "destination_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "http_status" SMALLINT,
    "error" TEXT,
    "latency_ms" REAL,
    "response_excerpt" TEXT,
    "next_retry_at" TIMESTAMPTZ(3),

    CONSTRAINT "forwarding_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "destinations_source_id_idx" ON "destinations"("source_id");

-- CreateIndex
CREATE INDEX "forwards_destination_id_state_created_at_idx" ON "forwards"("destination_id", "state", "created_at");

-- CreateIndex
CREATE INDEX "forwards_state_created_at_idx" ON "forwards"("state", "created_at");

-- CreateIndex
CREATE INDEX "forwarding_attempts_delivery_id_at_idx" ON "forwarding_attempts"("delivery_id", "at");

-- CreateIndex
CREATE INDEX "forwarding_attempts_destination_id_at_idx" ON "forwarding_attempts"("destination_id", "at");

-- AddForeignKey
ALTER TABLE "destinations" ADD CONSTRAINT "destinations_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "forwards" ADD CONSTRAINT "forwards_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "forwards" ADD CONSTRAINT "forwards_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "forwarding_attempts" ADD CONSTRAINT "forwarding_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "forwarding_attempts" ADD CONSTRAINT "forwarding_attempts_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

