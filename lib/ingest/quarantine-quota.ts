import type pg from "pg";
import { DEFAULT_QUARANTINE_QUOTA_MIB, MIB, QUARANTINE_QUOTA_KEY } from "../settings/quarantine-quota-limits.ts";

// Whether a refused delivery's raw body still fits in its source's quarantine quota (issue 15,
// A3: default 1 GiB per source, set on the Settings page), so that unsigned bodies cannot fill
// the disk however slowly they come; past it, the oldest bodies make room (evict-quarantine.ts).
// The running total is kept on the source row by triggers (migration
// 20261203130000_quarantine_quota): one indexed read. Concurrent refusals may each see room and
// together pass the quota by a few bodies; it bounds the disk, not the byte.

export interface QuarantineRoom {
  isWithin: boolean;
  quotaBytes: number;
  usedBytes: number;
  /** How far the body would take the quarantine past its quota (0 when it fits). */
  bytesOver: number;
}

export async function quarantineRoom(pool: pg.Pool, sourceId: string, bodySize: number): Promise<QuarantineRoom> {
  const { rows } = await pool.query<{ used: number; quota: number | null }>({
    name: "quarantine-room",
    text: `SELECT s.quarantined_bytes::float8 AS used, (SELECT (value->>'bytes')::float8 FROM settings WHERE key = $2) AS quota FROM sources s WHERE s.id = $1`,
    values: [sourceId, QUARANTINE_QUOTA_KEY],
  });
  const quotaBytes = rows[0]?.quota && rows[0].quota > 0 ? rows[0].quota : DEFAULT_QUARANTINE_QUOTA_MIB * MIB;
  const usedBytes = rows[0]?.used ?? 0;
  const bytesOver = Math.max(0, usedBytes + bodySize - quotaBytes);
  return { isWithin: bytesOver === 0, quotaBytes, usedBytes, bytesOver };
}

/** What the log's reason adds when a body is not kept for the quota. */
export function quotaReason(quotaBytes: number): string {
  return `body not kept: it does not fit in this source's quarantine quota of ${quotaBytes / MIB} MiB (Settings), even with older bodies removed`;
}
