-- Issue 14, part 2: the source kinds standard-webhooks, github, stripe and hmac (lib/schemes),
-- ed25519 public keys for Standard Webhooks v1a, and per-source scheme options.
-- PostgreSQL 12+ adds enum values inside a transaction; they are only not usable in it, and
-- nothing below uses them.

-- AlterEnum
ALTER TYPE "SourceKind" ADD VALUE 'standard-webhooks';
ALTER TYPE "SourceKind" ADD VALUE 'github';
ALTER TYPE "SourceKind" ADD VALUE 'stripe';
ALTER TYPE "SourceKind" ADD VALUE 'hmac';

-- AlterEnum
ALTER TYPE "CredentialKind" ADD VALUE 'ed25519_public_key';

-- AlterTable: validated per kind by its scheme's parseOptions (tolerance, the generic HMAC's header, ...).
ALTER TABLE "sources" ADD COLUMN "scheme_options" JSONB NOT NULL DEFAULT '{}';
