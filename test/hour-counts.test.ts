import { randomUUID } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/lib/audit/record-audit.ts";
import { useDatabaseUrl } from "@/lib/config.ts";
import { closeDatabase, getPool } from "@/lib/db.ts";
import { deleteQuarantinedDeliveries } from "@/lib/inspection/delete-quarantined.ts";
import { compactHourCounts } from "@/lib/overview/compact-hour-counts.ts";
import { listHourlyActivity } from "@/lib/overview/list-hourly-activity.ts";
import { runRetentionPurge } from "@/lib/retention/run-retention-purge.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { deleteSource } from "@/lib/sources/delete-source.ts";
import { listSources } from "@/lib/sources/list-sources.ts";
import { closeBlobStore } from "@/lib/storage/configured-store.ts";
import { startTestDatabase, type TestDatabase } from "./helpers/test-database.ts";

// The hourly rollup behind the overview's and the sources page's counts (delivery_hour_counts,
// kept by triggers on deliveries) must always equal a direct count of deliveries: after
// inserts, re-verifications, deletions and purges, with receivers, re-verifications and
// compactions running at the same time on separate connections, and for windows whose ends
// fall inside an hour.

const HOUR = 60 * 60 * 1000;
const NOW = new Date(Date.now() - (Date.now() % HOUR) + 17 * 60 * 1000 + 123); // 17 minutes into an hour
let database: TestDatabase;
let dataDir: string;
let sources: string[];

beforeAll(async () => {
  database = await startTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-hour-counts-"));
  await chmod(dataDir, 0o755);
  process.env.DATA_DIR = dataDir;
  useDatabaseUrl(database.url);
  sources = [];
  for (const slug of ["counted-a", "counted-b", "counted-c"]) sources.push((await createSource({ kind: "maskit", slug, name: slug })).id);
});

afterAll(async () => {
  await closeBlobStore();
  await closeDatabase();
  await database?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

describe("hourly delivery counts", () => {
  it("match a direct count after concurrent inserts, re-verifications, compactions, deletions and a purge", async () => {
    // Receivers: 6 connections, each committing 25 batches of 1 to 12 deliveries spread over 30 hours.
    const receivers = Array.from({ length: 6 }, (_, worker) =>
      onOwnConnection(async (client) => {
        for (let batch = 0; batch < 25; batch++) {
          const size = 1 + ((worker * 7 + batch) % 12);
          await client.query(
            `INSERT INTO deliveries (id, source_id, received_at, status, http_status)
           SELECT gen_random_uuid(), ($1::uuid[])[1 + (n + $3) % 3], $2::timestamptz - make_interval(secs => ((n * 7919 + $3 * 104729) % 108000)::float8),
                  (CASE (n + $3) % 3 WHEN 0 THEN 'verified' WHEN 1 THEN 'failed' ELSE 'rejected' END)::"DeliveryStatus", 200
             FROM generate_series(1, $4) AS n`,
            [sources, NOW, worker * 1000 + batch, size],
          );
        }
      }),
    );
    // Re-verifications at the same time: failed deliveries that turn out verified, a few at a time.
    const reverifier = onOwnConnection(async (client) => {
      for (let round = 0; round < 20; round++) {
        await client.query(
          `UPDATE deliveries SET status = 'verified', http_status = 200 WHERE id IN (SELECT id FROM deliveries WHERE status = 'failed' ORDER BY random() LIMIT 3)`,
        );
      }
    });
    // Two instances' compactions at the same time as all of that.
    const compactions = [0, 1].map(() =>
      onOwnConnection(async (client) => {
        for (let round = 0; round < 15; round++) await compactHourCounts(client);
      }),
    );
    await Promise.all([...receivers, reverifier, ...compactions]);
    await expectRollupToMatch();

    // An operator deletes the failed and rejected deliveries of one source (the real action).
    await deleteQuarantinedDeliveries({
      filters: { source: "counted-b" },
      receivedUpTo: new Date(NOW.getTime() + HOUR),
      expectedCount: await countWhere("source_id = $1 AND status <> 'verified'", [sources[1]]),
      actor: SYSTEM_ACTOR,
    });
    // A retention purge marks deliveries (purged_at) without changing any count.
    await getPool().query("UPDATE deliveries SET purged_at = now() WHERE received_at < $1", [new Date(NOW.getTime() - 20 * HOUR)]);
    expect(await runRetentionPurge({ now: NOW, retention: { quarantineDays: 1, imageDays: 1 } })).toMatchObject({ status: "done" });
    await expectRollupToMatch();

    // Deleting a source cascades to its deliveries; its rollup rows then sum to zero and are dropped.
    await deleteSource({ sourceId: sources[2], confirmSlug: "counted-c", actor: SYSTEM_ACTOR });
    await compactHourCounts(getPool());
    await expectRollupToMatch();
    expect(await countRollupRows("source_id = $1", [sources[2]])).toBe(0);
    // Compacted, each (source, hour, status) is one row.
    const {
      rows: [groups],
    } = await getPool().query("SELECT count(*)::int AS rows, count(DISTINCT (source_id, hour, status))::int AS groups FROM delivery_hour_counts");
    expect(groups.rows).toBe(groups.groups);
  });

  it("the overview and the sources page count exactly what a direct count over their windows finds", async () => {
    // Windows starting early and late in an hour take different paths (delivery-counts-sql.ts).
    for (const minutes of [17, 47]) {
      const now = new Date(NOW.getTime() - (NOW.getTime() % HOUR) + minutes * 60_000 + 123);
      // Deliveries at the edges: the window's first instant, just before and after it, now, just after now.
      const since = new Date(now.getTime() - 24 * HOUR);
      const firstHour = new Date(Math.floor(now.getTime() / HOUR) * HOUR - 23 * HOUR);
      for (const at of [
        since,
        new Date(since.getTime() + 1),
        new Date(since.getTime() - 1),
        firstHour,
        new Date(firstHour.getTime() - 1),
        now,
        new Date(now.getTime() + 1),
      ]) {
        await getPool().query(`INSERT INTO deliveries (id, source_id, received_at, status, http_status) VALUES ($1, $2, $3, 'verified', 200)`, [
          randomUUID(),
          sources[0],
          at,
        ]);
      }
      const listed = (await listSources({ now })).find((source) => source.id === sources[0])!;
      const recent = "source_id = $1 AND received_at > $2 AND received_at <= $3";
      expect([listed.verified24h, listed.failed24h, listed.rejected24h], `now ${now.toISOString()}`).toEqual([
        await countWhere(`${recent} AND status = 'verified'`, [sources[0], since, now]),
        await countWhere(`${recent} AND status = 'failed'`, [sources[0], since, now]),
        await countWhere(`${recent} AND status = 'rejected'`, [sources[0], since, now]),
      ]);
      expect(listed.verified24h).toBeGreaterThan(0);

      const hours = (await listHourlyActivity({ now })).get(sources[0])!;
      expect(hours).toHaveLength(24);
      for (const [index, bucket] of hours.entries()) {
        const end = index === 23 ? now : new Date(bucket.hour.getTime() + HOUR - 1);
        const inHour = `source_id = $1 AND received_at >= $2 AND received_at <= $3`;
        expect([bucket.verified, bucket.failed, bucket.rejected], `hour ${bucket.hour.toISOString()}`).toEqual([
          await countWhere(`${inHour} AND status = 'verified'`, [sources[0], bucket.hour, end]),
          await countWhere(`${inHour} AND status = 'failed'`, [sources[0], bucket.hour, end]),
          await countWhere(`${inHour} AND status = 'rejected'`, [sources[0], bucket.hour, end]),
        ]);
      }
    }
  });
});

async function expectRollupToMatch(): Promise<void> {
  const { rows } = await getPool().query<{ source_id: string; hour: Date; status: string; direct: number; rollup: number }>(
    `WITH direct AS (SELECT source_id, date_trunc('hour', received_at, 'UTC') AS hour, status, count(*)::int AS n FROM deliveries GROUP BY 1, 2, 3),
          rollup AS (SELECT source_id, hour, status, sum(deliveries)::int AS n FROM delivery_hour_counts GROUP BY 1, 2, 3)
     SELECT coalesce(d.source_id, r.source_id) AS source_id, coalesce(d.hour, r.hour) AS hour, coalesce(d.status, r.status) AS status,
            coalesce(d.n, 0) AS direct, coalesce(r.n, 0) AS rollup
       FROM direct d FULL JOIN rollup r ON r.source_id = d.source_id AND r.hour = d.hour AND r.status = d.status
      WHERE coalesce(d.n, 0) <> coalesce(r.n, 0)`,
  );
  expect(rows).toEqual([]);
  expect(await countWhere("true", [])).toBeGreaterThan(0);
}

async function countWhere(condition: string, values: unknown[]): Promise<number> {
  const { rows } = await getPool().query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE ${condition}`, values);
  return rows[0].n;
}

async function countRollupRows(condition: string, values: unknown[]): Promise<number> {
  const { rows } = await getPool().query<{ n: number }>(`SELECT count(*)::int AS n FROM delivery_hour_counts WHERE ${condition}`, values);
  return rows[0].n;
}

async function onOwnConnection(work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
