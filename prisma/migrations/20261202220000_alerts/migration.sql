-- Alerts (issue 13): channels, rules, alerts, their notifications and each channel's send outcome.
-- CreateEnum
CREATE TYPE "AlertChannelKind" AS ENUM ('email', 'slack', 'webhook');

-- CreateTable
CREATE TABLE "alert_channels" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AlertChannelKind" NOT NULL,
    "summary" TEXT NOT NULL,
    "config_ciphertext" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "source_id" UUID,
    "params" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source_id" UUID,
    "title" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "link_path" TEXT NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "last_notified_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_notifications" (
    "id" UUID NOT NULL,
    "alert_id" UUID,
    "event" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_sends" (
    "id" UUID NOT NULL,
    "notification_id" UUID NOT NULL,
    "channel_id" UUID,
    "channel_name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_sends_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_channels_name_key" ON "alert_channels"("name");

-- CreateIndex
CREATE INDEX "alert_rules_kind_idx" ON "alert_rules"("kind");

-- CreateIndex
CREATE INDEX "alerts_key_resolved_at_idx" ON "alerts"("key", "resolved_at");

-- CreateIndex
CREATE INDEX "alerts_opened_at_idx" ON "alerts"("opened_at" DESC);

-- CreateIndex
CREATE INDEX "alert_notifications_alert_id_idx" ON "alert_notifications"("alert_id");

-- CreateIndex
CREATE INDEX "alert_notifications_created_at_idx" ON "alert_notifications"("created_at" DESC);

-- CreateIndex
CREATE INDEX "alert_sends_status_next_attempt_at_idx" ON "alert_sends"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_sends_notification_id_channel_id_key" ON "alert_sends"("notification_id", "channel_id");

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_notifications" ADD CONSTRAINT "alert_notifications_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_sends" ADD CONSTRAINT "alert_sends_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "alert_notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_sends" ADD CONSTRAINT "alert_sends_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "alert_channels"("id") ON DELETE SET NULL ON UPDATE CASCADE;

