import { getPrisma } from "../db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { deliveryCountsSql } from "./delivery-counts-sql.ts";

// Deliveries per source per clock hour (UTC) over the current hour and the 23 before it, in
// one query: the finished hours from the hourly rollup, the current one counted directly
// (delivery-counts-sql.ts), so the cost is that of the last hour's traffic at most.

export const HOURS = 24;
const HOUR_MS = 60 * 60 * 1000;

export interface HourBucket {
  /** Start of the hour. */
  hour: Date;
  verified: number;
  failed: number;
  rejected: number;
}

/** Every source's 24 buckets, oldest first, by source id; hours without deliveries count zero. */
export async function listHourlyActivity(options: { now: Date }): Promise<Map<string, HourBucket[]>> {
  const start = firstHour(options.now);
  const rows = await getPrisma().$queryRaw<Array<{ sourceId: string; hour: Date | null; verified: number; failed: number; rejected: number }>>(
    hourlyActivityQuery(start, options.now),
  );
  const bySource = new Map<string, HourBucket[]>();
  for (const row of rows) {
    const buckets = bySource.get(row.sourceId) ?? emptyBuckets(start);
    bySource.set(row.sourceId, buckets);
    if (!row.hour) continue;
    const index = Math.round((row.hour.getTime() - start.getTime()) / HOUR_MS);
    if (index >= 0 && index < HOURS) buckets[index] = { hour: buckets[index].hour, verified: row.verified, failed: row.failed, rejected: row.rejected };
  }
  return bySource;
}

/** Start of the oldest hour shown: the current UTC hour's start, 23 hours back. */
function firstHour(now: Date): Date {
  return new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (HOURS - 1) * HOUR_MS);
}

function emptyBuckets(start: Date): HourBucket[] {
  return Array.from({ length: HOURS }, (_, index) => ({ hour: new Date(start.getTime() + index * HOUR_MS), verified: 0, failed: 0, rejected: 0 }));
}

/** The query alone, exported so that a test can EXPLAIN exactly what runs. */
export function hourlyActivityQuery(start: Date, now: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT s.id::text AS "sourceId", b.hour, b.verified, b.failed, b.rejected
      FROM sources s
      LEFT JOIN (
        SELECT c.source_id, c.hour,
               coalesce(sum(c.deliveries) FILTER (WHERE c.status = 'verified'), 0)::int AS verified,
               coalesce(sum(c.deliveries) FILTER (WHERE c.status = 'failed'), 0)::int AS failed,
               coalesce(sum(c.deliveries) FILTER (WHERE c.status = 'rejected'), 0)::int AS rejected
          FROM (${deliveryCountsSql({ from: start, to: now })}) c
         GROUP BY 1, 2
      ) b ON b.source_id = s.id`;
}
