import { Prisma } from "../generated/prisma/client.ts";

// Deliveries per source, UTC hour and status over a time window, as rows (source_id, hour,
// status, deliveries), exactly what a direct count over the window would find, from the
// hourly rollup (delivery_hour_counts, kept by triggers on deliveries in each delivery's own
// transaction, so it agrees with the deliveries any snapshot sees). A window's ends rarely
// fall on the hour: an end hour is taken whole from the rollup, less the deliveries of that
// hour outside the window, counted down the (received_at) index. At the window's end those
// are the deliveries stamped after `to` (normally none); at a rolling window's start, the
// smaller side of the hour is counted (at most half an hour of deliveries), so the cost stays
// a few hundred rollup rows however many deliveries the window holds.

const HOUR_MS = 60 * 60 * 1000;

export interface CountWindow {
  from: Date;
  /** Leave out deliveries received exactly at `from` (a rolling "last 24 hours"). */
  isFromExclusive?: boolean;
  /** Included. */
  to: Date;
}

export function deliveryCountsSql({ from, isFromExclusive = false, to }: CountWindow): Prisma.Sql {
  const firstHour = floorHour(from);
  const lastHour = floorHour(to);
  const afterFrom = isFromExclusive ? Prisma.sql`d.received_at > ${from}::timestamptz` : Prisma.sql`d.received_at >= ${from}::timestamptz`;
  const notAfterFrom = isFromExclusive ? Prisma.sql`d.received_at <= ${from}::timestamptz` : Prisma.sql`d.received_at < ${from}::timestamptz`;
  if (firstHour.getTime() === lastHour.getTime()) return directCounts(Prisma.sql`${afterFrom} AND d.received_at <= ${to}::timestamptz`, 1);

  const parts: Prisma.Sql[] = [];
  // The first hour: its part inside the window counted directly when that part is the smaller,
  // otherwise the whole hour from the rollup less its part before the window.
  const isFromLate = from.getTime() - firstHour.getTime() >= HOUR_MS / 2;
  const wholeFrom = isFromLate ? new Date(firstHour.getTime() + HOUR_MS) : firstHour;
  if (isFromLate) parts.push(directCounts(Prisma.sql`${afterFrom} AND d.received_at < ${wholeFrom}::timestamptz`, 1));
  else parts.push(directCounts(Prisma.sql`d.received_at >= ${firstHour}::timestamptz AND ${notAfterFrom}`, -1));
  // Every hour from there to the last one whole, less what the last hour holds after `to`.
  parts.push(Prisma.sql`
    SELECT c.source_id, c.hour, c.status, sum(c.deliveries)::int AS deliveries
      FROM delivery_hour_counts c
     WHERE c.hour >= ${wholeFrom}::timestamptz AND c.hour <= ${lastHour}::timestamptz
     GROUP BY 1, 2, 3`);
  parts.push(directCounts(Prisma.sql`d.received_at > ${to}::timestamptz AND d.received_at < ${new Date(lastHour.getTime() + HOUR_MS)}::timestamptz`, -1));
  return Prisma.sql`
    SELECT source_id, hour, status, sum(deliveries)::int AS deliveries
      FROM (${Prisma.join(parts, " UNION ALL ")}) AS counts
     GROUP BY 1, 2, 3`;
}

function directCounts(condition: Prisma.Sql, sign: 1 | -1): Prisma.Sql {
  return Prisma.sql`
    SELECT d.source_id, date_trunc('hour', d.received_at, 'UTC') AS hour, d.status, ${sign}::int * count(*)::int AS deliveries
      FROM deliveries d WHERE ${condition} GROUP BY 1, 2, 3`;
}

function floorHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}
