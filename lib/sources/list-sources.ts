import { getPrisma } from "../db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { deliveryCountsSql } from "../overview/delivery-counts-sql.ts";
import type { SourceKindName } from "./kind-names.ts";

// The sources page in one query: each source with its last delivery, what arrived in the last
// 24 hours by status, and how many credentials verify now. The last delivery comes from the
// (source_id, received_at) index; the counts from the hourly rollup and the two partial hours
// at the window's ends (lib/overview/delivery-counts-sql.ts).

export interface SourceSummary {
  id: string;
  slug: string;
  name: string;
  kind: SourceKindName;
  /** The scheme's per-source options as stored (lib/sources/source-kinds.ts parses them). */
  schemeOptions: Record<string, unknown>;
  enabled: boolean;
  createdAt: Date;
  lastDeliveryAt: Date | null;
  verified24h: number;
  failed24h: number;
  rejected24h: number;
  activeCredentials: number;
}

export interface ListSourcesOptions {
  /** Only the source with this slug (see getSource). */
  slug?: string;
  now?: Date;
}

export const RECENT_WINDOW_MS = 24 * 60 * 60 * 1000;

export async function listSources(options: ListSourcesOptions = {}): Promise<SourceSummary[]> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - RECENT_WINDOW_MS);
  const onlySlug = options.slug === undefined ? Prisma.empty : Prisma.sql`WHERE s.slug = ${options.slug}`;
  return getPrisma().$queryRaw<SourceSummary[]>`
    SELECT s.id::text AS id, s.slug, s.name, s.kind::text AS kind, s.scheme_options AS "schemeOptions", s.enabled, s.created_at AS "createdAt",
           last.received_at AS "lastDeliveryAt",
           coalesce(recent.verified, 0)::int AS "verified24h",
           coalesce(recent.failed, 0)::int AS "failed24h",
           coalesce(recent.rejected, 0)::int AS "rejected24h",
           (SELECT count(*)::int FROM credentials c
             WHERE c.source_id = s.id AND c.revoked_at IS NULL
               AND (c.expires_at IS NULL OR c.expires_at > ${now}::timestamptz)) AS "activeCredentials"
      FROM sources s
      LEFT JOIN LATERAL (
        SELECT d.received_at FROM deliveries d WHERE d.source_id = s.id ORDER BY d.received_at DESC LIMIT 1
      ) last ON true
      LEFT JOIN (
        SELECT source_id,
               sum(deliveries) FILTER (WHERE status = 'verified') AS verified,
               sum(deliveries) FILTER (WHERE status = 'failed') AS failed,
               sum(deliveries) FILTER (WHERE status = 'rejected') AS rejected
          FROM (${deliveryCountsSql({ from: since, isFromExclusive: true, to: now })}) counts
         GROUP BY source_id
      ) recent ON recent.source_id = s.id
      ${onlySlug}
     ORDER BY lower(s.name), s.slug`;
}
